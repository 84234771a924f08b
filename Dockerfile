# One image for every service; docker-compose picks the main class per container.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests package -pl launcher -am

FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /src/launcher/target/llm-pipeline.jar /app/llm-pipeline.jar
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "-cp", "/app/llm-pipeline.jar"]
