package dev.vela;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of vela-core's layout, checked over compiled classes (read with the JDK's class-file API,
 * so no dependency is needed). A class's references are every {@code dev.vela} type named in its
 * constant pool: superclass, interfaces, permitted subclasses, field and method types, generic
 * signatures, and every class its code touches. See docs/architecture.md for the picture.
 *
 * <pre>
 *   dev.vela.diagnostics            DeadlockWatchdog (exported)
 *   dev.vela.channel                the public face (exported)  --factories only-->  dev.vela.channel.internal
 *   dev.vela.channel.internal       flavours, waiter, select engine, async operations
 *   dev.vela.worker                 workers, pools, scopes (exported)
 *   dev.vela.diagnostics.internal   JFR events, the registries the watchdog reads (bottom)
 * </pre>
 */
final class Architecture {
    private Architecture() {}

    static final String API = "dev.vela.channel";
    /** The runtime's clock: the bottom layer beside diagnostics.internal, usable by every package. */
    static final String TIME = "dev.vela.time.internal";
    static final Set<String> EXPORTED = Set.of("dev.vela.worker", "dev.vela.channel", "dev.vela.diagnostics");

    /** The classes of the API package that may name internal classes: they create what they return. */
    static final Set<String> FACTORIES = Set.of("dev.vela.channel.Channel", "dev.vela.channel.ChannelBuilder",
            "dev.vela.channel.Select", "dev.vela.channel.Timers");

    /**
     * Which {@code dev.vela} packages each package may use (besides itself). The arrows from the API
     * package into {@code channel.internal} are checked separately ({@link #apiToInternalViolations}).
     */
    static final Map<String, Set<String>> MAY_USE = Map.of(
            "dev.vela.diagnostics", Set.of("dev.vela.channel", "dev.vela.channel.internal", "dev.vela.diagnostics.internal", TIME),
            "dev.vela.channel", Set.of("dev.vela.channel.internal", TIME),
            "dev.vela.channel.internal", Set.of("dev.vela.channel", "dev.vela.diagnostics.internal", TIME),
            "dev.vela.worker", Set.of("dev.vela.channel", "dev.vela.diagnostics.internal", TIME),   // the channel API only (ADR 0034)
            "dev.vela.diagnostics.internal", Set.of(),
            TIME, Set.of());

    /** The types of the API package that are classes but no algorithm: static entry points and a builder. */
    static final Set<String> API_CLASSES = Set.of("dev.vela.channel.Select", "dev.vela.channel.Timers",
            "dev.vela.channel.ChannelBuilder");

    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L(dev/vela/[\\w/$]+)[;<]");

    // ---- the rules ---------------------------------------------------------------------------------

    /** API class → internal class arrows that are neither from a factory nor a sealed type's permits. */
    static List<String> apiToInternalViolations(List<ClassModel> classes) {
        List<String> out = new ArrayList<>();
        for (ClassModel c : classes) {
            String from = name(c);
            if (!pkg(from).equals(API) || FACTORIES.contains(topLevel(from))) continue;
            Set<String> permits = permitted(c);
            for (String to : references(c)) {
                if (!EXPORTED.contains(pkg(to)) && !permits.contains(to)) out.add(from + " -> " + to);
            }
        }
        return out;
    }

    /** Each package cycle once (as "a -> b -> a"), ignoring the allowed factory and permits arrows. */
    static List<String> cycles(List<ClassModel> classes) {
        Map<String, Set<String>> graph = packageGraph(classes);
        List<String> out = new ArrayList<>();
        Set<String> reported = new TreeSet<>();
        for (String start : graph.keySet()) {
            List<String> path = new ArrayList<>();
            findCycle(graph, start, start, path, new TreeSet<>(), out, reported);
        }
        return out;
    }

    /** Arrows to a package that the using package may not use ({@link #MAY_USE}). */
    static List<String> layerViolations(List<ClassModel> classes) {
        List<String> out = new ArrayList<>();
        for (ClassModel c : classes) {
            String from = name(c);
            Set<String> allowed = MAY_USE.get(pkg(from));
            if (allowed == null) {
                out.add(from + ": package " + pkg(from) + " has no place in the layers (add it to MAY_USE and docs/architecture.md)");
                continue;
            }
            for (String to : references(c)) {
                String p = pkg(to);
                if (!p.equals(pkg(from)) && !allowed.contains(p)) {
                    out.add(from + " -> " + to + " (" + pkg(from) + " may use only " + new TreeSet<>(allowed) + ")");
                }
            }
        }
        return out;
    }

    /** Public and protected members (and supertypes) of public types in exported packages that name internal types. */
    static List<String> internalTypesInPublicSignatures(List<ClassModel> classes) {
        Map<String, ClassModel> byName = new HashMap<>();
        for (ClassModel c : classes) byName.put(name(c), c);
        List<String> out = new ArrayList<>();
        for (ClassModel c : classes) {
            String cls = name(c);
            if (!EXPORTED.contains(pkg(cls)) || !visible(c, byName)) continue;
            c.superclass().map(e -> dotted(e.asInternalName())).filter(Architecture::internal)
                    .ifPresent(t -> out.add(cls + ": extends internal " + t));
            for (ClassEntry i : c.interfaces()) {
                if (internal(dotted(i.asInternalName()))) out.add(cls + ": implements internal " + dotted(i.asInternalName()));
            }
            c.findAttribute(Attributes.signature()).ifPresent(s ->
                    internalIn(s.signature().stringValue()).forEach(t -> out.add(cls + ": generic signature names internal " + t)));
            for (FieldModel f : c.fields()) {
                if (!f.flags().has(AccessFlag.PUBLIC) && !f.flags().has(AccessFlag.PROTECTED)) continue;
                String sig = f.fieldType().stringValue() + f.findAttribute(Attributes.signature()).map(s -> s.signature().stringValue()).orElse("");
                internalIn(sig).forEach(t -> out.add(cls + ": public field " + f.fieldName().stringValue() + " has internal type " + t));
            }
            for (MethodModel m : c.methods()) {
                if (!m.flags().has(AccessFlag.PUBLIC) && !m.flags().has(AccessFlag.PROTECTED)) continue;
                if (m.flags().has(AccessFlag.SYNTHETIC) || m.flags().has(AccessFlag.BRIDGE)) continue;
                StringBuilder sig = new StringBuilder(m.methodType().stringValue());
                m.findAttribute(Attributes.signature()).ifPresent(s -> sig.append(s.signature().stringValue()));
                m.findAttribute(Attributes.exceptions()).ifPresent(x -> x.exceptions().forEach(e -> sig.append('L').append(e.asInternalName()).append(';')));
                internalIn(sig.toString()).forEach(t -> out.add(cls + ": " + m.methodName().stringValue() + " names internal " + t));
            }
        }
        return out;
    }

    /**
     * Classes of the API package that are not interfaces, enums, records, exceptions or one of
     * {@link #API_CLASSES}, or that hold a {@code VarHandle} or a lock: an algorithm in the public package.
     */
    static List<String> algorithmClassesInApi(List<ClassModel> classes) {
        Map<String, ClassModel> byName = new HashMap<>();
        for (ClassModel c : classes) byName.put(name(c), c);
        List<String> out = new ArrayList<>();
        for (ClassModel c : classes) {
            String cls = name(c);
            if (!pkg(cls).equals(API)) continue;
            boolean stateful = c.fields().stream().anyMatch(f -> {
                String t = f.fieldType().stringValue();
                return t.equals("Ljava/lang/invoke/VarHandle;") || t.startsWith("Ljava/util/concurrent/locks/")
                        || t.startsWith("Ljava/util/concurrent/atomic/");
            });
            ClassModel top = byName.getOrDefault(topLevel(cls), c);      // a nested helper is judged with its type
            boolean plainType = top.flags().has(AccessFlag.INTERFACE) || top.flags().has(AccessFlag.ENUM)
                    || top.superclass().map(s -> s.asInternalName().equals("java/lang/Record")).orElse(false)
                    || isThrowable(top, byName) || API_CLASSES.contains(topLevel(cls));
            if (stateful || !plainType) out.add(cls);
        }
        return out;
    }

    // ---- reading classes ---------------------------------------------------------------------------

    /** Every other {@code dev.vela} class this class names (dotted, nested classes folded into their top level). */
    static Set<String> references(ClassModel c) {
        Set<String> out = new TreeSet<>();
        for (PoolEntry e : c.constantPool()) {
            if (e instanceof ClassEntry ce) {
                String n = ce.asInternalName();
                if (n.startsWith("[")) addDescriptorTypes(n, out); else if (n.startsWith("dev/vela/")) out.add(topLevel(dotted(n)));
            } else if (e instanceof Utf8Entry u) {
                addDescriptorTypes(u.stringValue(), out);
            }
        }
        out.remove(topLevel(name(c)));
        return out;
    }

    private static void addDescriptorTypes(String s, Set<String> out) {
        Matcher m = DESCRIPTOR_TYPE.matcher(s);
        while (m.find()) out.add(topLevel(dotted(m.group(1))));
    }

    private static Set<String> internalIn(String descriptor) {
        Set<String> all = new TreeSet<>();
        addDescriptorTypes(descriptor, all);
        all.removeIf(t -> !internal(t));
        return all;
    }

    private static Set<String> permitted(ClassModel c) {
        Set<String> out = new TreeSet<>();
        c.findAttribute(Attributes.permittedSubclasses()).ifPresent(p ->
                p.permittedSubclasses().forEach(e -> out.add(topLevel(dotted(e.asInternalName())))));
        return out;
    }

    /** Package → packages it uses, without the API's allowed arrows into internals. */
    private static Map<String, Set<String>> packageGraph(List<ClassModel> classes) {
        Map<String, Set<String>> g = new TreeMap<>();
        for (ClassModel c : classes) {
            String from = name(c);
            boolean api = pkg(from).equals(API);
            Set<String> permits = permitted(c);
            Set<String> edges = g.computeIfAbsent(pkg(from), k -> new TreeSet<>());
            for (String to : references(c)) {
                if (pkg(to).equals(pkg(from))) continue;
                if (api && !EXPORTED.contains(pkg(to)) && (FACTORIES.contains(topLevel(from)) || permits.contains(to))) continue;
                edges.add(pkg(to));
            }
        }
        return g;
    }

    private static void findCycle(Map<String, Set<String>> g, String start, String at, List<String> path,
                                  Set<String> seen, List<String> out, Set<String> reported) {
        path.add(at);
        seen.add(at);
        for (String next : g.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                Set<String> key = new TreeSet<>(path);
                if (reported.add(String.join(",", key))) out.add(String.join(" -> ", path) + " -> " + start);
            } else if (!seen.contains(next)) {
                findCycle(g, start, next, path, seen, out, reported);
            }
        }
        path.removeLast();
    }

    private static boolean visible(ClassModel c, Map<String, ClassModel> byName) {
        if (!c.flags().has(AccessFlag.PUBLIC)) return false;
        String n = name(c);
        int dollar = n.lastIndexOf('$');
        if (dollar < 0) return true;
        ClassModel outer = byName.get(n.substring(0, dollar));
        return outer == null || visible(outer, byName);
    }

    private static boolean isThrowable(ClassModel c, Map<String, ClassModel> byName) {
        String s = c.superclass().map(e -> dotted(e.asInternalName())).orElse("");
        if (s.startsWith("java.lang.") || s.startsWith("java.util.")) {
            return s.endsWith("Exception") || s.endsWith("Error") || s.equals("java.lang.Throwable");
        }
        ClassModel sup = byName.get(s);
        return sup != null && isThrowable(sup, byName);
    }

    private static boolean internal(String cls) {
        return cls.startsWith("dev.vela.") && !EXPORTED.contains(pkg(cls));
    }

    static String name(ClassModel c) {
        return dotted(c.thisClass().asInternalName());
    }

    private static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }

    private static String topLevel(String cls) {
        int d = cls.indexOf('$');
        return d < 0 ? cls : cls.substring(0, d);
    }

    static String pkg(String cls) {
        return cls.substring(0, cls.lastIndexOf('.'));
    }
}
