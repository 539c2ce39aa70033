package dev.vela.console;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) reader and writer for the DevTools messages of {@link Chromium}.
 *
 * <p>{@link #parse} maps objects to {@link LinkedHashMap} (member order kept, a repeated name keeps its last
 * value), arrays to {@link ArrayList}, strings to {@link String} (all escapes, including {@code \}{@code uXXXX}
 * surrogate pairs), numbers without fraction or exponent to {@link Long} (or {@link Double} if out of range),
 * other numbers to {@link Double}, and {@code true}/{@code false}/{@code null} to {@link Boolean}/{@code null}.
 * Anything else, including trailing text, is an {@link IllegalArgumentException} naming the offset.
 *
 * <p>{@link #write} accepts the same types plus any {@link Map} (keys written with {@code toString()}),
 * {@link Collection}, {@code Object[]}, {@link CharSequence}, {@link Number} (finite) and {@link Character}.
 * Its output is ASCII-safe where it matters: control characters, lone surrogates and U+2028/U+2029 are
 * escaped, so a written string can also be pasted into JavaScript source.
 */
final class MiniJson {
    private static final int MAX_DEPTH = 512;

    private final String s;
    private int pos;

    private MiniJson(String s) { this.s = s; }

    /** Parses one JSON value; see the class comment for the result types. */
    static Object parse(String json) {
        MiniJson p = new MiniJson(json);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != json.length()) throw p.error("unexpected text after the value");
        return value;
    }

    /** Writes {@code value} as compact JSON. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    // ---------------------------------------------------------------- reading

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nested too deeply");
        if (pos >= s.length()) throw error("unexpected end of input");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++; // '{'
        skipWhitespace();
        if (peek() == '}') { pos++; return map; }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a member name");
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            map.put(key, value(depth + 1));
            skipWhitespace();
            char c = next();
            if (c == '}') return map;
            if (c != ',') { pos--; throw error("expected ',' or '}'"); }
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        pos++; // '['
        skipWhitespace();
        if (peek() == ']') { pos++; return list; }
        while (true) {
            skipWhitespace();
            list.add(value(depth + 1));
            skipWhitespace();
            char c = next();
            if (c == ']') return list;
            if (c != ',') { pos--; throw error("expected ',' or ']'"); }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = null; // only allocated when the string has escapes
        int start = pos;
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos);
            if (c == '"') {
                String tail = s.substring(start, pos++);
                return sb == null ? tail : sb.append(tail).toString();
            }
            if (c < 0x20) throw error("control character in string");
            if (c != '\\') { pos++; continue; }
            if (sb == null) sb = new StringBuilder();
            sb.append(s, start, pos);
            pos++; // backslash
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                // A surrogate pair arrives as two escapes; appending both UTF-16 units rebuilds the code point.
                case 'u' -> sb.append(hex4());
                default -> { pos--; throw error("bad escape '\\" + e + "'"); }
            }
            start = pos;
        }
    }

    private char hex4() {
        if (pos + 4 > s.length()) throw error("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos), 16);
            if (d < 0) throw error("bad hex digit in \\u escape");
            v = v * 16 + d;
            pos++;
        }
        return (char) v;
    }

    private Number number() {
        int start = pos;
        boolean integral = true;
        if (peek() == '-') pos++;
        if (peek() == '0') pos++;
        else if (!digits()) throw error("expected a digit");
        if (peek() == '.') {
            pos++;
            integral = false;
            if (!digits()) throw error("expected a digit after '.'");
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integral = false;
            if (peek() == '+' || peek() == '-') pos++;
            if (!digits()) throw error("expected a digit in the exponent");
        }
        String text = s.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                return Double.parseDouble(text);
            }
        }
        return Double.parseDouble(text);
    }

    private boolean digits() {
        int start = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
        return pos > start;
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, pos)) throw error("unexpected character '" + s.charAt(pos) + "'");
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private char peek() { return pos < s.length() ? s.charAt(pos) : '\0'; }

    private char next() {
        if (pos >= s.length()) throw error("unexpected end of input");
        return s.charAt(pos++);
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    private IllegalArgumentException error(String message) {
        int from = Math.max(0, pos - 20), to = Math.min(s.length(), pos + 20);
        return new IllegalArgumentException("JSON: " + message + " at offset " + pos + " near «" + s.substring(from, to) + "»");
    }

    // ---------------------------------------------------------------- writing

    private static void write(Object v, StringBuilder out, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("JSON: nested too deeply (a cycle?)");
        switch (v) {
            case null -> out.append("null");
            case Boolean b -> out.append(b);
            case CharSequence cs -> quote(cs, out);
            case Character c -> quote(String.valueOf(c), out);
            case Double d -> finite(d, out);
            case Float f -> finite(f.doubleValue(), out);
            case Number n -> out.append(n); // Long, Integer, Short, Byte, BigInteger, BigDecimal
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) out.append(',');
                    first = false;
                    quote(String.valueOf(e.getKey()), out);
                    out.append(':');
                    write(e.getValue(), out, depth + 1);
                }
                out.append('}');
            }
            case Collection<?> list -> writeArray(list, out, depth);
            case Object[] array -> writeArray(java.util.Arrays.asList(array), out, depth);
            default -> throw new IllegalArgumentException("JSON: cannot write a " + v.getClass().getName());
        }
    }

    private static void writeArray(Iterable<?> items, StringBuilder out, int depth) {
        out.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) out.append(',');
            first = false;
            write(item, out, depth + 1);
        }
        out.append(']');
    }

    private static void finite(double d, StringBuilder out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalArgumentException("JSON: cannot write " + d);
        out.append(d); // "3.0" and "1.0E29" are valid JSON, and read back as Double
    }

    private static void quote(CharSequence cs, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < cs.length(); i++) {
            char c = cs.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < cs.length()
                            && Character.isLowSurrogate(cs.charAt(i + 1));
                    if (pairedHigh) {
                        out.append(c).append(cs.charAt(++i));
                    } else if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c)); // lone surrogates would not survive UTF-8
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
