package dev.jobwire.viewer.security;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code Host} names the viewer answers to: the guard against DNS rebinding, where a page on
 * {@code evil.example} re-points its own name at 127.0.0.1 and then reads the viewer "same-origin"
 * (its requests carry {@code Host: evil.example}). Defaults: {@code localhost}, {@code 127.0.0.1},
 * {@code ::1} and the bind address (unless it is a wildcard); plus {@code JOBWIRE_VIEWER_HOSTS}.
 * The port is not compared (the request reached this port). Immutable and thread-safe.
 */
public final class HostAllowlist {
    private final Set<String> names = new HashSet<>();

    public HostAllowlist(String bindHost, List<String> configured) {
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        String bind = normalize(bindHost);
        if (bind != null && !bind.equals("0.0.0.0") && !bind.equals("::") && !bind.isEmpty()) {
            names.add(bind);
        }
        for (String c : configured) {
            String n = normalize(c);
            if (n != null) {
                names.add(n);
            }
        }
    }

    /** True when the {@code Host} header (name, optionally with {@code :port}) names this viewer. */
    public boolean allows(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        return names.contains(normalize(stripPort(hostHeader.trim())));
    }

    public Set<String> names() {
        return Set.copyOf(names);
    }

    static String stripPort(String authority) {
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close > 0 ? authority.substring(0, close + 1) : authority;
        }
        int colon = authority.indexOf(':');
        return colon >= 0 && authority.indexOf(':', colon + 1) < 0 ? authority.substring(0, colon) : authority;
    }

    private static String normalize(String host) {
        if (host == null) {
            return null;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }
}
