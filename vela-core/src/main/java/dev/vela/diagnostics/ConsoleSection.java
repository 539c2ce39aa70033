package dev.vela.diagnostics;

import java.util.List;
import java.util.Map;

/**
 * A table that a Vela module adds to the live console ({@code vela-console}) when both are present:
 * {@code vela-actor} contributes its actors (path, mailbox, processed, restarts, last failure). Found
 * with {@link java.util.ServiceLoader} ({@code provides dev.vela.diagnostics.ConsoleSection with …} in
 * the contributing module); the console calls {@link #open()} when it starts, {@link #rows(int)} once per
 * sample on its sampling thread, and {@link #close()} when it stops.
 *
 * <p>Sampling, not events: an implementation reads state it already keeps and must not add work to its
 * module's hot paths, neither while no console runs (before {@link #open()}) nor after.
 */
public interface ConsoleSection {
    /**
     * The rows of one sample.
     *
     * @param total    how many rows there are in all
     * @param items    at most the limit asked for, each a map from column name to a {@link String},
     *                 {@link Number}, {@link Boolean} or null
     * @param warnings things the console should flag, at most a few; a warning that starts with a kind in
     *                 lower case and {@code ": "} ({@code "restart storm: vela://app/user/a restarted 3 times"})
     *                 is shown with that kind ({@code restart-storm}), any other with the section's name
     */
    record Rows(int total, List<Map<String, Object>> items, List<String> warnings) {
        /** Copies the lists. */
        public Rows {
            items = List.copyOf(items);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * The section's key in the snapshot, also its title on the page.
     *
     * @return a lower-case name, e.g. {@code actors}
     */
    String name();

    /**
     * The section's columns.
     *
     * @return the keys of each row, in display order
     */
    List<String> columns();

    /** A console starts: begin keeping whatever {@link #rows(int)} needs. The default does nothing. */
    default void open() {}

    /** The console stopped: forget it (nothing of the console may remain). The default does nothing. */
    default void close() {}

    /**
     * The rows now, the most interesting first when there are more than {@code limit}.
     *
     * @param limit the most rows to return
     * @return the rows
     */
    Rows rows(int limit);
}
