# Images for the worker, the topology and the management API (docker-compose.yml builds the three targets).
# Built and run only where a Docker engine exists; the project's own tests never need it.
FROM maven:3.9.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -ntp -Dmaven.test.skip=true install \
 && for m in worker topology api; do \
      mvn -B -q -ntp -pl $m dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/$m/lib \
      && cp $m/target/integration-$m-*.jar /out/$m/lib/; \
    done

FROM eclipse-temurin:21-jre AS worker
COPY --from=build /out/worker/lib /app/lib
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.integration.avro"
EXPOSE 9400
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.integration.worker.app.WorkerMain"]

FROM eclipse-temurin:21-jre AS topology
COPY --from=build /out/topology/lib /app/lib
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.integration.avro"
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.integration.topology.TopologyMain"]

FROM eclipse-temurin:21-jre AS api
COPY --from=build /out/api/lib /app/lib
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.integration.avro"
EXPOSE 8080
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.integration.api.ApiMain"]
