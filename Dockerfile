# Images for the worker, the topology and the management API (docker-compose.yml builds the three targets).
# Built and run only where a Docker engine exists; the project's own tests never need it (DeploymentFilesTest checks
# this file's shape). The runtime is the JDK the benchmarks are measured on (docs/performance.md: JDK 25); every image
# runs as the unprivileged user `app` (uid 10001), and its ENTRYPOINT is exec form, so `docker stop`'s SIGTERM reaches
# the JVM, whose shutdown hook drains in-flight work.
FROM maven:3.9.11-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -ntp -Dmaven.test.skip=true install \
 && for m in worker topology api; do \
      mvn -B -q -ntp -pl $m dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/$m/lib \
      && cp $m/target/integration-$m-*.jar /out/$m/lib/; \
    done

FROM eclipse-temurin:25.0.1_8-jre AS runtime
# /var/lib/integration: the one writable place (the API's first admin token file; the topology's state directory).
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /var/lib/integration --create-home --shell /usr/sbin/nologin app
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.integration.avro -XX:MaxRAMPercentage=75"
WORKDIR /var/lib/integration
USER 10001:10001

FROM runtime AS worker
COPY --from=build /out/worker/lib /app/lib
EXPOSE 9400
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.integration.worker.app.WorkerMain"]

FROM runtime AS topology
COPY --from=build /out/topology/lib /app/lib
# The state directory exists (owned by app) before a volume is mounted on it, so the volume takes its owner.
RUN mkdir -p /var/lib/integration/topology-state
ENV TOPOLOGY_STATE_DIR=/var/lib/integration/topology-state
EXPOSE 8070
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.integration.avro -XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/var/lib/integration"
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.integration.topology.TopologyMain"]

FROM runtime AS api
COPY --from=build /out/api/lib /app/lib
ENV API_FIRST_TOKEN_FILE=/var/lib/integration/api-first-admin-token
EXPOSE 8080
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.integration.api.ApiMain"]
