package dev.jobwire.producer.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobwire.producer.PublishReceipt;

/**
 * The JSON settings shared by the CLI and the HTTP endpoint: strict parsing (duplicate keys and
 * trailing content are errors, decimals keep their digits), and the one JSON form of a receipt.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private Json() {
    }

    /**
     * {@code {"taskId":…,"topic":…,"partition":…,"offset":…,"timestamp":"…Z"}}, and for a delayed
     * task {@code "notBefore":"…Z"}, when it will run (absent: at once, as with the header).
     */
    public static ObjectNode receipt(PublishReceipt receipt) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("taskId", receipt.taskId());
        node.put("topic", receipt.topic());
        node.put("partition", receipt.partition());
        node.put("offset", receipt.offset());
        node.put("timestamp", receipt.timestamp().toString());
        if (receipt.notBefore() != null) {
            node.put("notBefore", receipt.notBefore().toString());
        }
        return node;
    }

    /** True for {@code application/json} and {@code application/<anything>+json}, parameters ignored. */
    public static boolean isJsonMediaType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return base.equals("application/json") || (base.startsWith("application/") && base.endsWith("+json"));
    }
}
