#!/usr/bin/env bash
# Provides the Apache Kafka $KAFKA_VERSION broker as a classpath of Maven Central jars, cached in
# $TASKTIDE_CACHE/kafka-<version>/lib. Prints the lib directory.
source "$(dirname "$0")/lib.sh"
out="$TASKTIDE_CACHE/kafka-$KAFKA_VERSION"
if [ -f "$out/.complete" ]; then echo "$out/lib"; exit 0; fi
command -v java >/dev/null && command -v mvn >/dev/null || { log "java 17 and maven are required"; exit 1; }
log "resolving Kafka $KAFKA_VERSION jars from Maven Central (first run only)"
rm -rf "$out" && mkdir -p "$out/lib"
mvn -q -B -f "$(dirname "$0")/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out/lib" >&2
touch "$out/.complete"
echo "$out/lib"
