package dev.vela.console;

import static dev.vela.console.ConsoleSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.Channel;
import dev.vela.channel.Timers;
import dev.vela.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console in a real browser: headless Chromium (Debian's package; {@code .ci/run} installs it)
 * driven over the DevTools protocol ({@link Chromium}). It loads the page, waits for a channel row
 * with a known {@code buffered} value, opens a worker's stack, triggers a two-worker deadlock and sees
 * the banner name both; the page must log no error (a CSP violation would). A screenshot of the page
 * is saved as {@code target/screenshots/console-page.png} (the guide's picture), and one of the failing
 * state on failure ({@link ScreenshotOnFailure}).
 */
@Timeout(120)
@ExtendWith(ScreenshotOnFailure.class)
class ConsoleBrowserTest {
    private VelaConsole console;
    private Chromium browser;
    private final List<Channel<?>> channels = new ArrayList<>();

    @AfterEach
    void tearDown() {
        channels.forEach(Channel::close);
        if (browser != null) browser.close();
        if (console != null) console.stop();
    }

    private <T> Channel<T> channel(Channel<T> c) {
        channels.add(c);
        return c;
    }

    @Test
    void thePageShowsChannelsStacksAndTheDeadlockBanner() throws Exception {
        Assumptions.assumeTrue(Chromium.available(), "no Chromium: apt-get install -y chromium (CI installs it)");
        console = VelaConsole.builder().interval(Duration.ofMillis(250)).start();
        Channel<String> orders = channel(Channel.<String>builder().capacity(16).metrics(true).build());
        for (int i = 0; i < 5; i++) orders.sender().send("order-" + i);
        Channel<String> never = channel(Channel.rendezvous());
        Worker.spawn("stack-me", () -> never.receiver().receive());
        AtomicBoolean busy = new AtomicBoolean(true);
        Worker<Void> ticker = Worker.spawn("ticker", () -> {   // sleeps with a timer: no deadlock while it runs
            while (busy.get()) Timers.sleep(Duration.ofMillis(50));
            return null;
        });
        var s = awaitSnapshot(console, Duration.ofSeconds(10), snap -> items(snap, "workers").stream()
                .anyMatch(w -> "stack-me".equals(w.get("name")) && "parked".equals(w.get("state"))));
        long ordersId = number(items(s, "channels").stream().filter(c -> number(c.get("buffered")) == 5).findFirst().orElseThrow().get("id"));
        long stackMe = number(items(s, "workers").stream().filter(w -> "stack-me".equals(w.get("name"))).findFirst().orElseThrow().get("id"));

        browser = Chromium.launch();
        browser.navigate(console.url().toString());
        browser.waitFor("document.querySelector('tr[data-channel-id=\"" + ordersId + "\"] td.buffered')?.textContent === '5'",
                Duration.ofSeconds(15));
        assertEquals("live", browser.text("#status"));
        assertFalse((Boolean) browser.evaluate("document.getElementById('deadlock-banner').classList.contains('visible')"),
                "no deadlock yet: the ticker runs");

        browser.click("tr[data-worker-id=\"" + stackMe + "\"]");
        browser.waitFor("document.getElementById('stack').textContent.includes('receive')", Duration.ofSeconds(10));
        assertTrue(browser.text("#stack").contains("ConsoleBrowserTest"), "the stack reaches the test's lambda");

        Channel<Integer> left = channel(Channel.rendezvous());
        Channel<Integer> right = channel(Channel.rendezvous());
        Worker.spawn("deadlock-a", () -> {
            left.receiver().receive();
            right.sender().send(1);
            return null;
        });
        Worker.spawn("deadlock-b", () -> {
            right.receiver().receive();
            left.sender().send(1);
            return null;
        });
        busy.set(false);
        ticker.join(Duration.ofSeconds(5));
        browser.waitFor("(() => { const b = document.getElementById('deadlock-banner');"
                + " return b.classList.contains('visible') && b.textContent.includes('deadlock-a') && b.textContent.includes('deadlock-b'); })()",
                Duration.ofSeconds(10));
        Path shot = browser.saveScreenshot(ScreenshotOnFailure.directory().resolve("console-page.png"));
        System.out.println("screenshot of the page: " + shot.toAbsolutePath());
        assertEquals(List.of(), browser.consoleErrors(), "the page logged no error (a CSP violation would show here)");
    }
}
