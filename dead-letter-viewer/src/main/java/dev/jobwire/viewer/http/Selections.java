package dev.jobwire.viewer.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.viewer.index.DeadLetterIndex;
import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.Query;
import dev.jobwire.viewer.kafka.TopicFollower;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dead letters an action is about: {@code refs} (a list of references), or {@code group} (a
 * fingerprint, narrowed by {@code filter}), or {@code filter} (URL-style parameters, as the page's
 * filters). References must be in a followed dead-letter topic, so no other topic's records can be
 * replayed or marked; duplicates are dropped. Thread-safe (reads thread-safe collaborators).
 */
final class Selections {
    private final DeadLetterIndex index;
    private final TopicFollower follower;
    private final int maxBatch;

    Selections(DeadLetterIndex index, TopicFollower follower, int maxBatch) {
        this.index = index;
        this.follower = follower;
        this.maxBatch = maxBatch;
    }

    /**
     * @param refs      the selected dead letters, newest first for a group or filter
     * @param selection what was asked for, for the audit: {@code refs} (count) or {@code group} / {@code filter}
     */
    record Selection(List<DeadLetterRef> refs, Map<String, Object> selection) {
    }

    /** @throws ApiException 400 when nothing, too much or something outside the dead-letter topics is selected */
    Selection of(JsonNode body) {
        Set<DeadLetterRef> refs = new LinkedHashSet<>();
        Map<String, Object> described = new LinkedHashMap<>();
        if (body.has("refs")) {
            if (!body.path("refs").isArray()) {
                throw new ApiException(400, "'refs' must be a list of topic/partition/offset references");
            }
            Set<String> followed = Set.copyOf(follower.deadLetterTopics());
            for (JsonNode n : body.path("refs")) {
                DeadLetterRef ref = DeadLetterRef.parse(n.asText());
                if (!followed.contains(ref.topic()) && index.get(ref) == null) {
                    throw new ApiException(400, "not a followed dead-letter topic: " + ref.topic());
                }
                refs.add(ref);
                if (refs.size() > maxBatch) {
                    break;
                }
            }
            described.put("refs", refs.size());
        } else if (body.has("group") || body.has("filter")) {
            Map<String, String> params = new HashMap<>();
            body.path("filter").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            if (body.has("group")) {
                params.put("group", body.path("group").asText());
                described.put("group", body.path("group").asText());
            }
            if (!params.isEmpty()) {
                described.put("filter", new LinkedHashMap<>(params));
            }
            index.find(Query.fromParams(params)).forEach(e -> refs.add(e.ref()));
            described.put("matched", refs.size());
        } else {
            throw new ApiException(400, "say which dead letters: refs, group or filter");
        }
        if (refs.isEmpty()) {
            throw new ApiException(400, "no dead letters selected");
        }
        if (refs.size() > maxBatch) {
            throw new ApiException(400, "more than " + maxBatch + " dead letters selected; at most " + maxBatch
                    + " per request (JOBWIRE_VIEWER_MAX_REPLAY_BATCH)");
        }
        return new Selection(new ArrayList<>(refs), described);
    }
}
