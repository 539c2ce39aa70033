package dev.vela.channel.internal;

/**
 * The waiter a blocked select puts in one clause's queue. All the clauses of one select share one
 * {@link SelectInstance}: completing any of them completes the select, by one CAS, so at most one
 * clause can be served by a peer.
 */
final class SelectWaiter extends Waiter {
    final SelectInstance select;
    final int clause;

    SelectWaiter(SelectInstance select, int clause, Object element) {
        super(select.owner, element);
        this.select = select;
        this.clause = clause;
    }

    @Override
    boolean isClauseOf(SelectInstance s) {
        return select == s;
    }

    @Override
    boolean isWaiting() {
        return select.isWaiting();
    }

    @Override
    boolean complete(Object newState) {
        return select.fire(clause, newState);
    }
}
