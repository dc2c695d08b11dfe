# Sourced by every script: pick a JDK 21+ and find the project root.
# JAVA_HOME wins if it already points at JDK 21 or newer; otherwise the newest JDK under
# /usr/lib/jvm (Temurin 25 on our machines) is used.

JOBWIRE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JOBWIRE_ROOT

_jobwire_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(_jobwire_java_major "$JAVA_HOME")" -lt 21 ]; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/javac" ] && [ "$(_jobwire_java_major "$candidate")" -ge 21 ]; then
      JAVA_HOME="$candidate"
      break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "jobwire: no JDK 21 or newer found; set JAVA_HOME to one" >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries still use sun.misc.Unsafe; JDK 24+ warns about it on every build.
if [ "$(_jobwire_java_major "$JAVA_HOME")" -ge 24 ]; then
  case "${MAVEN_OPTS:-}" in *sun-misc-unsafe-memory-access*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
fi

# The class path of a module's service (its jar plus runtime dependencies), written by bin/build.
jobwire_classpath() {
  local module="$1" cpfile="$JOBWIRE_ROOT/$1/target/classpath.txt"
  if [ ! -f "$cpfile" ]; then
    echo "jobwire: $module is not built; run bin/build first" >&2
    exit 1
  fi
  echo "$JOBWIRE_ROOT/$module/target/classes:$(cat "$cpfile")"
}

# Logs: human-readable by default, JSON with JOBWIRE_LOG_FORMAT=json.
jobwire_log_config() {
  if [ "${JOBWIRE_LOG_FORMAT:-text}" = "json" ]; then
    echo "-Dlogback.configurationFile=$JOBWIRE_ROOT/config/logback-json.xml"
  else
    echo "-Dlogback.configurationFile=$JOBWIRE_ROOT/config/logback.xml"
  fi
}
