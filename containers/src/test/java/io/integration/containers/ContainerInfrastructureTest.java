package io.integration.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.embedded.InfrastructureProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

class ContainerInfrastructureTest {

    @Test
    void isFoundUnderTheNameThatTheSwitchUses() {
        assertThat(ServiceLoader.load(InfrastructureProvider.class).stream().map(p -> p.get().name()))
                .contains("containers", "embedded");
    }

    @Test
    void asksForDockerFirstAndSaysSoWhenThereIsNone() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            assertThatCode(ContainerInfrastructure::requireDocker).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(ContainerInfrastructure::requireDocker)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Docker was not found")
                    .hasMessageContaining("integration.infrastructure=containers needs a running Docker engine");
        }
    }

    @Test
    void pinsItsImageTags() {
        assertThat(ContainerInfrastructure.KAFKA.getVersionPart()).isEqualTo("4.1.0");
        assertThat(ContainerInfrastructure.MONGO.getVersionPart()).isEqualTo("8.0.4");
        assertThat(ContainerInfrastructure.SCHEMA_REGISTRY.getVersionPart()).isEqualTo("7.9.0");
    }
}
