package dev.vela.actor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module's public surface: one exported package, and vela-actor as its only dependency (no test framework). */
class ModuleDescriptorTest {

    @Test
    void exportsOnlyTheTestKitPackageAndRequiresOnlyVelaActor() {
        // On the class path (surefire) the module is unnamed; read the compiled descriptor instead.
        ModuleReference ref = ModuleFinder.of(Path.of("target", "classes")).find("dev.vela.actor.testkit")
                .orElseThrow(() -> new AssertionError("no module dev.vela.actor.testkit in target/classes"));
        ModuleDescriptor d = ref.descriptor();
        assertEquals(List.of("dev.vela.actor.testkit"), d.exports().stream().map(ModuleDescriptor.Exports::source).sorted().toList());
        assertTrue(d.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified), "no qualified exports: " + d.exports());
        assertTrue(d.opens().isEmpty(), "opens nothing: " + d.opens());
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertEquals(Set.of("dev.vela.actor", "java.base"), requires, "only vela-actor: no test framework, no vela-core internals");
        ModuleDescriptor.Requires actor = d.requires().stream().filter(r -> r.name().equals("dev.vela.actor")).findFirst().orElseThrow();
        assertTrue(actor.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE),
                "dev.vela.actor must be transitive: the kit's API hands out ActorRef, ActorSystem and Terminated");
        assertEquals(Set.of("dev.vela.actor.testkit"), d.packages(), "no other packages");
    }
}
