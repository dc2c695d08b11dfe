package dev.jobwire.worker.admission;

import dev.jobwire.worker.source.Completion;
import dev.jobwire.worker.source.Settlement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Work items for unit tests: records of one lane, settlements recorded. Thread-safe. */
public final class TestItems implements Completion {
    private final Map<Long, Settlement> settled = new ConcurrentHashMap<>();

    public static List<ConsumerRecord<byte[], byte[]>> records(String topic, int partition, long from, int count, String key) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long o = from; o < from + count; o++) {
            records.add(new ConsumerRecord<>(topic, partition, o, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                    new byte[0]));
        }
        return records;
    }

    /** {@code count} items of {@code lane} from offset {@code from}, all with {@code key} (null: none) under {@code ordering}. */
    public List<WorkItem> items(Lane lane, long from, int count, String key, OrderingMode ordering) {
        List<WorkItem> items = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records("t", 0, from, count, key)) {
            items.add(new WorkItem(record, lane, ordering.orderingKeyOf(record.key()), this));
        }
        return items;
    }

    public List<WorkItem> items(Lane lane, long from, int count) {
        return items(lane, from, count, null, OrderingMode.UNORDERED);
    }

    @Override
    public void settled(WorkItem item, Settlement how) {
        settled.put(item.offset(), how);
    }

    public Map<Long, Settlement> settled() {
        return settled;
    }
}
