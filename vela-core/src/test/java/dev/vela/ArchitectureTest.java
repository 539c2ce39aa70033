package dev.vela;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.constant.ClassDesc;
import java.lang.reflect.AccessFlag;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the arrows of vela-core pointing one way (docs/architecture.md, docs/adr/0029): read from the
 * compiled classes by {@link Architecture}, so a future change that adds a back-reference fails here.
 * Each rule also runs on a planted violation (a class made on the fly with the class-file API) and
 * must report it: a rule that cannot fail proves nothing.
 */
class ArchitectureTest {

    private static final List<ClassModel> CLASSES = readCompiledClasses();

    @Test
    void apiPackageReachesInternalsOnlyThroughItsFactoriesAndSealedPermits() {
        assertEquals(List.of(), Architecture.apiToInternalViolations(CLASSES));
    }

    @Test
    void packagesFormNoCycle() {
        assertEquals(List.of(), Architecture.cycles(CLASSES));
    }

    @Test
    void everyPackageDependsOnlyOnTheLayersBelowIt() {
        assertEquals(List.of(), Architecture.layerViolations(CLASSES));
    }

    @Test
    void noInternalTypeInAPublicSignature() {
        assertEquals(List.of(), Architecture.internalTypesInPublicSignatures(CLASSES));
    }

    @Test
    void apiPackageHoldsNoAlgorithmClass() {
        assertEquals(List.of(), Architecture.algorithmClassesInApi(CLASSES));
    }

    @Test
    void theCompiledClassesWereFound() {
        assertTrue(CLASSES.size() > 40, "read only " + CLASSES.size() + " classes");
        assertTrue(CLASSES.stream().anyMatch(c -> c.thisClass().asInternalName().equals("dev/vela/channel/internal/BoundedChannel")));
    }

    // ---- negative controls: planted violations must be reported -------------------------------------

    @Test
    void plantedApiToFlavourReferenceIsReported() {
        ClassModel planted = plant("dev.vela.channel.Planted", "dev.vela.channel.internal.BoundedChannel", true);
        assertEquals(List.of("dev.vela.channel.Planted -> dev.vela.channel.internal.BoundedChannel"),
                Architecture.apiToInternalViolations(with(planted)));
        assertEquals(List.of("dev.vela.channel.Planted: public field planted has internal type dev.vela.channel.internal.BoundedChannel"),
                Architecture.internalTypesInPublicSignatures(with(planted)));
    }

    @Test
    void plantedBackReferenceIsReportedAsCycleAndLayerViolation() {
        ClassModel planted = plant("dev.vela.diagnostics.internal.Planted", "dev.vela.channel.internal.Waiter", false);
        List<String> cycles = Architecture.cycles(with(planted));
        assertEquals(1, cycles.size(), cycles.toString());
        assertTrue(cycles.getFirst().contains("dev.vela.diagnostics.internal") && cycles.getFirst().contains("dev.vela.channel.internal"),
                cycles.toString());
        assertEquals(List.of("dev.vela.diagnostics.internal.Planted -> dev.vela.channel.internal.Waiter"
                        + " (dev.vela.diagnostics.internal may use only [])"),
                Architecture.layerViolations(with(planted)));
    }

    @Test
    void plantedWorkerToChannelReferenceIsReported() {
        ClassModel planted = plant("dev.vela.worker.Planted", "dev.vela.channel.internal.Waiter", false);
        assertEquals(List.of("dev.vela.worker.Planted -> dev.vela.channel.internal.Waiter"
                        + " (dev.vela.worker may use only [dev.vela.channel, dev.vela.diagnostics.internal, dev.vela.time.internal])"),
                Architecture.layerViolations(with(planted)));
    }

    @Test
    void plantedAlgorithmClassInApiIsReported() {
        ClassModel planted = ClassFile.of().parse(ClassFile.of().build(ClassDesc.of("dev.vela.channel.RingBuffer"),
                cb -> cb.withFlags(AccessFlag.FINAL).withField("HEAD", ClassDesc.of("java.lang.invoke.VarHandle"),
                        ClassFile.ACC_STATIC | ClassFile.ACC_FINAL)));
        assertEquals(List.of("dev.vela.channel.RingBuffer"), Architecture.algorithmClassesInApi(with(planted)));
    }

    /** A class {@code name} with one field of type {@code fieldType} (public, or package-private). */
    private static ClassModel plant(String name, String fieldType, boolean publicField) {
        byte[] bytes = ClassFile.of().build(ClassDesc.of(name), cb -> cb
                .withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL)
                .withField("planted", ClassDesc.of(fieldType), publicField ? ClassFile.ACC_PUBLIC : 0));
        return ClassFile.of().parse(bytes);
    }

    private static List<ClassModel> with(ClassModel planted) {
        List<ClassModel> all = new ArrayList<>(CLASSES);
        all.add(planted);
        return all;
    }

    /** Every class of vela-core's main output (target/classes), module-info excluded. */
    private static List<ClassModel> readCompiledClasses() {
        try {
            Path root = Path.of(Channel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(p -> p.toString().endsWith(".class") && !p.endsWith("module-info.class"))
                        .sorted()
                        .map(p -> {
                            try {
                                return ClassFile.of().parse(Files.readAllBytes(p));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
