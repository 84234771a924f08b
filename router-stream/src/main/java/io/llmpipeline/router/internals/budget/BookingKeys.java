package io.llmpipeline.router.internals.budget;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Bookings travel to the ledgers' owners over one repartition topic for both stages, keyed
 * "STAGE|owner". The topic is partitioned by the owner alone, exactly as the stage's ledger topic is
 * (Kafka's murmur2 of the owner's bytes), so a booking lands in the task that holds that owner's
 * ledgers and leases.
 */
public final class BookingKeys implements StreamPartitioner<String, LedgerRequest> {
    private static final char SEPARATOR = '|';

    static String of(BudgetStage stage, String owner) {
        return stage.name() + SEPARATOR + owner;
    }

    public static boolean isFor(BudgetStage stage, String bookingKey) {
        return bookingKey.length() > stage.name().length() && bookingKey.startsWith(stage.name())
                && bookingKey.charAt(stage.name().length()) == SEPARATOR;
    }

    public static String ownerOf(String bookingKey) {
        return bookingKey.substring(bookingKey.indexOf(SEPARATOR) + 1);
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, LedgerRequest value, int numPartitions) {
        byte[] owner = ownerOf(key).getBytes(StandardCharsets.UTF_8);
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(owner)) % numPartitions));
    }
}
