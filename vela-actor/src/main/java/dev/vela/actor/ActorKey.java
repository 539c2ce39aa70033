package dev.vela.actor;

import java.util.Objects;

/**
 * The typed name under which an actor is {@linkplain Registry registered}: a name and the type of
 * messages the registered actor accepts, so that a {@link Registry#lookup lookup} returns an
 * {@code ActorRef<M>} without a cast.
 *
 * <pre>{@code
 * static final ActorKey<Order> ORDERS = ActorKey.of("orders", Order.class);
 *
 * system.registry().register(ORDERS, ordersActor);
 * system.registry().lookup(ORDERS).ifPresent(orders -> orders.tell(new Order(42)));
 * }</pre>
 *
 * Two keys are equal when both their names and their message types are equal. A registry holds at
 * most one actor per <em>name</em>: a key with the same name and another message type is a mistake,
 * reported by every registry operation with an {@link IllegalArgumentException}.
 *
 * <p>The message type is compared exactly ({@link Class#equals}): register and look up with the same
 * class, usually the actor's sealed message interface. A generic message type can only be given by
 * its raw class.
 *
 * @param <M> the type of messages the registered actor accepts
 */
public final class ActorKey<M> {
    private final String name;           // not blank
    private final Class<M> messageType;  // not primitive

    private ActorKey(String name, Class<M> messageType) {
        this.name = name;
        this.messageType = messageType;
    }

    /**
     * A key for actors that accept {@code messageType}.
     *
     * @param name        the name, not blank; any other characters are allowed
     * @param messageType the class of the messages the registered actor accepts, not a primitive type
     * @param <M>         the message type
     * @return the key
     * @throws NullPointerException     if {@code name} or {@code messageType} is null
     * @throws IllegalArgumentException if {@code name} is empty or blank, or {@code messageType} is primitive
     */
    public static <M> ActorKey<M> of(String name, Class<M> messageType) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(messageType, "messageType");
        if (name.isBlank()) {
            throw new IllegalArgumentException("an actor key's name must not be empty or blank, got '" + name + "'");
        }
        if (messageType.isPrimitive()) {
            throw new IllegalArgumentException("an actor key's message type must be a class, got the primitive " + messageType);
        }
        return new ActorKey<>(name, messageType);
    }

    /**
     * The key's name, unique within a registry.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The type of messages an actor registered under this key accepts.
     *
     * @return the message type
     */
    public Class<M> messageType() {
        return messageType;
    }

    /**
     * Equal when the other object is an {@code ActorKey} with an equal name and the same message type.
     *
     * @param o the other object
     * @return whether the keys are equal
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ActorKey<?> k && name.equals(k.name) && messageType.equals(k.messageType);
    }

    /**
     * A hash of the name and the message type, consistent with {@link #equals}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return 31 * name.hashCode() + messageType.hashCode();
    }

    /**
     * The name and the message type's simple name, such as {@code ActorKey[orders: Order]}.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return "ActorKey[" + name + ": " + typeName(messageType) + "]";
    }

    /** The simple name of a type, or its full name where it has none (an anonymous or hidden class). */
    static String typeName(Class<?> type) {
        String simple = type.getSimpleName();
        return simple.isEmpty() ? type.getName() : simple;
    }
}
