package dev.vela.actor;

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

/** The module's public surface: one exported package, and vela-core as its only dependency. */
class ModuleDescriptorTest {

    @Test
    void exportsOnlyTheApiPackageAndRequiresOnlyVelaCore() {
        // On the class path (surefire) the module is unnamed; read the compiled descriptor instead.
        ModuleReference ref = ModuleFinder.of(Path.of("target", "classes")).find("dev.vela.actor")
                .orElseThrow(() -> new AssertionError("no module dev.vela.actor in target/classes"));
        ModuleDescriptor d = ref.descriptor();
        assertEquals(List.of("dev.vela.actor"), d.exports().stream().map(ModuleDescriptor.Exports::source).sorted().toList());
        assertTrue(d.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified), "no qualified exports: " + d.exports());
        assertTrue(d.opens().isEmpty(), "opens nothing: " + d.opens());
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertEquals(Set.of("dev.vela.core", "java.base"), requires);
        ModuleDescriptor.Requires core = d.requires().stream().filter(r -> r.name().equals("dev.vela.core")).findFirst().orElseThrow();
        assertTrue(core.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE),
                "dev.vela.core must be transitive: ActorContext exposes its Receiver and SelectClause");
        assertEquals(Set.of("dev.vela.actor"), d.packages(), "no other packages");
    }
}
