# Sourced by ./pipeline and .ci/run: sets JAVA_HOME to a JDK >= 21, or fails saying what to install.
# Order: $JAVA_HOME, then `java` on the PATH, then the JDKs under /usr/lib/jvm (newest first).
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
  local candidate major
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
                   $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "llm-pipeline needs a JDK 21 or newer; none found in JAVA_HOME, on the PATH or under /usr/lib/jvm." >&2
  echo "Install one (e.g. Temurin 21+) and set JAVA_HOME." >&2
  return 1
}
