package io.llmpipeline.quota;

/**
 * The owner's view of one lease it granted. Until the holder gives it back, all of it counts as
 * held less what was confirmed; each confirmed use ({@link #confirm}: for the router's budgets, the
 * worst case of a request whose final attempt was booked) stops counting; once returned, only the
 * used units not yet confirmed still count.
 *
 * @param granted   units granted
 * @param confirmed units whose use is over
 * @param returned  units the holder said it used when it gave the lease back, or -1 while it holds it
 */
public record LeaseAccount(long granted, long confirmed, long returned) {
    public static LeaseAccount open(long granted) {
        return new LeaseAccount(granted, 0, -1);
    }

    public boolean returnedYet() {
        return returned >= 0;
    }

    /** Units this lease still holds out of the limit. */
    public long outstanding() {
        return Math.max(0, (returnedYet() ? returned : granted) - confirmed);
    }

    public LeaseAccount confirm(long units) {
        return new LeaseAccount(granted, confirmed + units, returned);
    }

    /** Given back having used {@code used} units; a second return changes nothing. */
    public LeaseAccount giveBack(long used) {
        return returnedYet() ? this : new LeaseAccount(granted, confirmed, Math.min(granted, Math.max(0, used)));
    }

    /** Returned and every use confirmed: the account can be forgotten. */
    public boolean settled() {
        return returnedYet() && confirmed >= returned;
    }
}
