package dev.jobwire.viewer.bench;

import dev.jobwire.viewer.Json;
import dev.jobwire.viewer.index.DeadLetterIndex;
import dev.jobwire.viewer.index.EntryDecoder;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.index.Query;
import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.TaskMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Not a test: indexes N dead letters (default 100,000; first argument) the way the follower does
 * (decoding real header sets) and prints list, filter, search and group latencies (median and
 * p95 over 30 runs, after warm-up), including JSON serialisation of the answer. See
 * docs/dead-letter-viewer.md for the command.
 */
public final class IndexBenchmark {
    private static final String[] TYPES = {"email.send", "pdf.render", "http.call", "invoice.create", "sms.send"};
    private static final String[] EXCEPTIONS = {"java.io.IOException", "java.net.SocketTimeoutException",
            "java.lang.IllegalStateException", "com.acme.PaymentDeclinedException"};

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        AtomicLong version = new AtomicLong();
        MarkStore marks = new MarkStore(version);
        DeadLetterIndex index = new DeadLetterIndex(n, Long.MAX_VALUE, version, marks);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        long t0 = System.nanoTime();
        List<EntryDecoder.Decoded> batch = new ArrayList<>(500);
        for (int i = 0; i < n; i++) {
            batch.add(EntryDecoder.DEFAULT.decode(record(i, start.plusSeconds(i))));
            if (batch.size() == 500) {
                index.addAll(batch);
                batch.clear();
            }
        }
        index.addAll(batch);
        long indexMs = (System.nanoTime() - t0) / 1_000_000;
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long usedMb = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
        System.out.printf("indexed %,d dead letters in %,d ms; heap used after GC ~%,d MB%n", index.size(), indexMs, usedMb);

        measure("list, newest first, page 1 (50)", () -> index.list(Query.ALL, 0, 50));
        measure("list, page 100", () -> index.list(Query.ALL, 99, 50));
        measure("filter task type", () -> index.list(Query.fromParams(Map.of("type", "pdf.render")), 0, 50));
        measure("filter type+reason+exception", () -> index.list(Query.fromParams(Map.of("type", "http.call",
                "reason", "RETRIES_EXHAUSTED", "exception", "java.io.IOException")), 0, 50));
        measure("filter time range (1 h)", () -> index.list(Query.fromParams(Map.of("from", "2026-01-01T10:00:00Z",
                "to", "2026-01-01T11:00:00Z")), 0, 50));
        measure("free text, rare (customer-77777)", () -> index.list(Query.fromParams(Map.of("q", "customer-77777")), 0, 50));
        measure("free text, common (timeout)", () -> index.list(Query.fromParams(Map.of("q", "timeout")), 0, 50));
        measure("group by error (all)", () -> index.groups(Query.ALL, 0, 50));
        measure("facets", index::facets);
    }

    private static ConsumerRecord<byte[], byte[]> record(int i, Instant at) {
        RecordHeaders h = new RecordHeaders();
        String type = TYPES[i % TYPES.length];
        new TaskMetadata(UUID.randomUUID().toString(), type, "application/json", at.minusSeconds(30), null, null).writeTo(h);
        String exception = EXCEPTIONS[i % EXCEPTIONS.length];
        String message = switch (i % 4) {
            case 0 -> "connect timeout after " + (1000 + i % 5000) + " ms to billing-" + (i % 7) + ".internal";
            case 1 -> "order " + UUID.randomUUID() + " not found";
            case 2 -> "unexpected status 503 from http://pdf/render?id=" + Integer.toHexString(0x10000000 + i);
            default -> "card declined for customer " + i;
        };
        String stack = exception + ": " + message + "\n\tat java.net.Socket.connect(Socket.java:751)\n"
                + "\tat com.acme." + type.replace('.', '_') + ".Handler.handle(Handler.java:" + (40 + i % 3) + ")\n"
                + "\tat dev.jobwire.worker.TaskRunner.run(TaskRunner.java:88)\n".repeat(20);
        DeadLetterReason reason = DeadLetterReason.values()[i % DeadLetterReason.values().length];
        new DeadLetter(type + ".tasks", i % 12, i, at.minusSeconds(30), reason, 3,
                List.of(new AttemptFailure(1, at, exception, message), new AttemptFailure(2, at, exception, message),
                        new AttemptFailure(3, at, exception, message)),
                exception, message, stack, "worker-" + (i % 4), at).writeTo(h);
        String value = "{\"customer\":\"customer-" + i + "\",\"amount\":" + (i % 1000)
                + ",\"items\":[{\"sku\":\"SKU-" + (i % 300) + "\",\"qty\":2}],\"note\":\"" + "x".repeat(150) + "\"}";
        return new ConsumerRecord<>("jobwire.tasks.dlt", i % 3, i, at.toEpochMilli(), TimestampType.CREATE_TIME,
                8, value.length(), ("customer-" + i).getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                h, Optional.empty());
    }

    private static void measure(String name, Supplier<Object> query) {
        for (int i = 0; i < 10; i++) {
            serialise(query.get());
        }
        long[] ms = new long[30];
        int matches = 0;
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            Object result = query.get();
            serialise(result);
            ms[i] = (System.nanoTime() - t) / 1_000;
            if (result instanceof DeadLetterIndex.Page p) {
                matches = p.total();
            } else if (result instanceof dev.jobwire.viewer.index.Grouping.Groups g) {
                matches = g.totalGroups();
            }
        }
        Arrays.sort(ms);
        System.out.printf("%-36s median %7.1f ms   p95 %7.1f ms   (%,d matches/groups)%n", name,
                ms[ms.length / 2] / 1000.0, ms[(int) (ms.length * 0.95)] / 1000.0, matches);
    }

    private static void serialise(Object result) {
        try {
            Json.MAPPER.writeValueAsBytes(result instanceof DeadLetterIndex.Page p ? p.items() : result);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
