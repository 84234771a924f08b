package io.llmpipeline.router.internals.budget;

import org.apache.kafka.streams.state.KeyValueStore;

import io.llmpipeline.router.RouterDriver;

/** What the admitting task took out of the leases it holds: the worst cases of the requests it admitted from them. */
public final class HeldLeases {
    private HeldLeases() {
    }

    /** Summed over the leases this driver's task holds on ledgers whose key starts with {@code ledgerPrefix}, e.g. "TENANT|acme|". */
    public static long used(RouterDriver router, String ledgerPrefix) {
        KeyValueStore<String, HeldLease> store = router.driver.getKeyValueStore(LeaseHolder.LEASES);
        long used = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                var e = it.next();
                if (e.key.startsWith(ledgerPrefix) && e.value.lease() != null) {
                    used += e.value.lease().used();
                }
            }
        }
        return used;
    }
}
