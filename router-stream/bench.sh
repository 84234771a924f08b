#!/usr/bin/env bash
# Runs the router's benchmark harnesses against this worktree's classes (never ~/.m2 copies).
#   router-stream/bench.sh throughput [requests] [exactly_once_v2|at_least_once] [default|minimal]
#   router-stream/bench.sh jmh [jmh options]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
what=${1:-throughput}; shift || true
profile=""; [ "$what" = jmh ] && profile="-Pbenchmarks"
# one reactor run: sibling modules resolve to their target/classes, never to ~/.m2 (nothing here installs
# them); router-stream comes last, so its classpath is the one left in the file
./mvnw -B -q $profile -pl router-stream -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/router-stream/target/router-bench.cp" -Dmdep.includeScope=test >/dev/null
own=""
for m in schemas catalog embedded-kafka testkit producer-api; do own="$own:$m/target/classes"; done
deps=$(tr ':' '\n' < router-stream/target/router-bench.cp | grep -v '/io/llmpipeline/' | paste -sd: -)
cp="router-stream/target/test-classes:router-stream/target/classes$own:$deps"
case "$what" in
  throughput) exec "$JAVA_HOME/bin/java" -Xmx2g ${JAVA_OPTS:-} -cp "$cp" io.llmpipeline.router.bench.RouterThroughput "$@" ;;
  jmh) exec "$JAVA_HOME/bin/java" -Xmx1g -cp "$cp" org.openjdk.jmh.Main "${@:-TokenCountBenchmark}" ;;
  *) echo "usage: $0 throughput|jmh ..." >&2; exit 2 ;;
esac
