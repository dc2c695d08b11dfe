package dev.jobwire.viewer.http;

import static dev.jobwire.viewer.http.HttpJson.body;
import static dev.jobwire.viewer.http.HttpJson.json;
import static dev.jobwire.viewer.http.HttpJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.viewer.security.AccessGuard;
import dev.jobwire.viewer.security.Sessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browser sign-in: the session state the page starts from (open to every request, so the page can
 * show the sign-in form when reads need it), sign in with the token, sign out. Thread-safe.
 */
final class SessionRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRoutes.class);

    private final AccessGuard guard;

    SessionRoutes(AccessGuard guard) {
        this.guard = guard;
    }

    void register(RoutesConfig r) {
        r.get("/api/session", ctx -> json(ctx, view(guard.session(ctx))));
        r.post("/api/session", this::signIn);
        r.post("/api/session/logout", ctx -> {
            guard.logout(ctx);
            json(ctx, view(null));
        });
    }

    private void signIn(Context ctx) {
        JsonNode body = body(ctx);
        Sessions.Session s = guard.login(ctx, text(body, "token"), text(body, "user"));
        LOG.info("{} signed in from {} ({})", s.user(), ctx.ip(), s.canAct() ? "read and act" : "read only");
        json(ctx, view(s));
    }

    private Map<String, Object> view(Sessions.Session s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("authenticated", s != null);
        view.put("readOnly", guard.readOnly());
        view.put("readAuth", guard.readAuth());
        if (s != null) {
            view.put("user", s.user());
            view.put("csrfToken", s.csrfToken());
            view.put("canAct", s.canAct());
        }
        return view;
    }
}
