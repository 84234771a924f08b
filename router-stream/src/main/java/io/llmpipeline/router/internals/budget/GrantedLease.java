package io.llmpipeline.router.internals.budget;

import io.llmpipeline.quota.LeaseAccount;

/**
 * A lease as the ledger's owner keeps it.
 *
 * @param holder   the partition of the task holding it
 * @param recalled whether the owner already asked for it back
 */
public record GrantedLease(int holder, String ledgerKey, LeaseAccount account, boolean recalled, long grantedAtMs) {
    GrantedLease with(LeaseAccount changed) {
        return new GrantedLease(holder, ledgerKey, changed, recalled, grantedAtMs);
    }

    GrantedLease recall() {
        return new GrantedLease(holder, ledgerKey, account, true, grantedAtMs);
    }
}
