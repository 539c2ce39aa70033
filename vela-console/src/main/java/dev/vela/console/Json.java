package dev.vela.console;

import java.util.Collection;
import java.util.Map;

/**
 * A small JSON writer for the console's snapshots: objects, arrays, strings, numbers, booleans and
 * null, appended to one {@link StringBuilder}. Strings are escaped so that the text is valid JSON
 * whatever they hold (quotes, control characters, lone surrogates) and safe to embed in HTML: {@code <},
 * {@code >} and {@code &} are written as {@code \u003c}, {@code \u003e}, {@code \u0026}. Everything
 * outside printable ASCII is escaped too, so a snapshot is pure ASCII: a Java string of one byte per
 * character (a single emoji in a name would otherwise double the memory of the whole snapshot).
 *
 * <p>Commas are the writer's: {@link #name(String)} and every value start with one when a sibling came
 * before. Not thread-safe; one writer per snapshot.
 */
final class Json {
    private final StringBuilder out;
    /** Whether the innermost open object or array has a member yet (bit per depth, up to 64 levels). */
    private long hasMember;
    private int depth;
    /** A name was just written: the next value follows it without a comma. */
    private boolean afterName;

    Json(StringBuilder out) {
        this.out = out;
    }

    Json beginObject() {
        separate();
        out.append('{');
        push();
        return this;
    }

    Json endObject() {
        pop();
        out.append('}');
        return this;
    }

    Json beginArray() {
        separate();
        out.append('[');
        push();
        return this;
    }

    Json endArray() {
        pop();
        out.append(']');
        return this;
    }

    /** A member name; the next call writes its value. */
    Json name(String name) {
        separate();
        string(out, name);
        out.append(':');
        afterName = true;
        return this;
    }

    Json value(String s) {
        separate();
        if (s == null) out.append("null");
        else string(out, s);
        return this;
    }

    Json value(long n) {
        separate();
        out.append(n);
        return this;
    }

    Json value(Number n) {
        separate();
        if (n == null) out.append("null");
        else if (n instanceof Double d && (d.isNaN() || d.isInfinite())) out.append("null");
        else if (n instanceof Float f && (f.isNaN() || f.isInfinite())) out.append("null");
        else out.append(n);
        return this;
    }

    Json value(boolean b) {
        separate();
        out.append(b);
        return this;
    }

    /** A String, Number, Boolean, null, Map (string keys) or Collection, recursively; anything else as its toString(). */
    Json any(Object v) {
        switch (v) {
            case null -> value((String) null);
            case String s -> value(s);
            case Number n -> value(n);
            case Boolean b -> value(b.booleanValue());
            case Map<?, ?> m -> {
                beginObject();
                m.forEach((k, x) -> name(String.valueOf(k)).any(x));
                endObject();
            }
            case Collection<?> c -> {
                beginArray();
                c.forEach(this::any);
                endArray();
            }
            default -> value(v.toString());
        }
        return this;
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth == 0) return;
        long bit = 1L << (depth - 1);
        if ((hasMember & bit) != 0) out.append(',');
        else hasMember |= bit;
    }

    private void push() {
        if (depth == 64) throw new IllegalStateException("JSON nested deeper than 64 levels");
        depth++;
        hasMember &= ~(1L << (depth - 1));
    }

    private void pop() {
        depth--;
    }

    /** Appends {@code s} as a JSON string literal. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(out, c);
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        out.append(c);
                    } else if (pairAt(s, i)) {                      // a whole surrogate pair (an emoji): both halves
                        unicode(out, c);
                        unicode(out, s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicode(out, '\uFFFD');                      // a lone surrogate: not valid UTF-8
                    } else {
                        unicode(out, c);   // control or non-ASCII: the text stays ASCII, one byte per character in memory
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean pairAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static void unicode(StringBuilder out, char c) {
        out.append("\\u");
        String hex = Integer.toHexString(c);
        for (int k = hex.length(); k < 4; k++) out.append('0');
        out.append(hex);
    }
}
