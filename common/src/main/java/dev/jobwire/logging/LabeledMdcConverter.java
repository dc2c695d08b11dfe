package dev.jobwire.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code %labeledMdc{task=task.id, type=task.type}}: prints {@code label=value } (with a trailing
 * space) for each MDC key that is set on the event, in the order given, and nothing for keys that
 * are absent or empty. Values are escaped with {@link ControlChars#escape}. An option without
 * {@code =} uses the key as its label. Immutable once started, thread-safe.
 */
public class LabeledMdcConverter extends ClassicConverter {
    private record Field(String label, String key) {
    }

    private List<Field> fields = List.of();

    @Override
    public void start() {
        List<String> options = getOptionList();
        if (options == null || options.isEmpty()) {
            addError("%labeledMdc needs options, e.g. %labeledMdc{task=task.id, type=task.type}");
            return;
        }
        List<Field> parsed = new ArrayList<>();
        for (String option : options) {
            String trimmed = option.trim();
            int eq = trimmed.indexOf('=');
            String label = eq < 0 ? trimmed : trimmed.substring(0, eq).trim();
            String key = eq < 0 ? trimmed : trimmed.substring(eq + 1).trim();
            if (label.isEmpty() || key.isEmpty()) {
                addError("%labeledMdc option '" + option + "' is not label=key");
                return;
            }
            parsed.add(new Field(label, key));
        }
        fields = List.copyOf(parsed);
        super.start();
    }

    @Override
    public String convert(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc == null || mdc.isEmpty()) {
            return "";
        }
        StringBuilder out = null;
        for (Field field : fields) {
            String value = mdc.get(field.key());
            if (value == null || value.isEmpty()) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(64);
            }
            out.append(field.label()).append('=').append(ControlChars.escape(value)).append(' ');
        }
        return out == null ? "" : out.toString();
    }
}
