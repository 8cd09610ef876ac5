package io.integration.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The topology's shape is committed in {@code topology/topology-description.txt}: a change to it (a new processor, store or
 * repartition topic changes what a running application must migrate) is a deliberate change of that file. To accept a
 * change: {@code mvn -pl topology test -Dtest=TopologyDescriptionTest -Dtopology.description.write=true}.
 */
class TopologyDescriptionTest {

    private static final Path COMMITTED = Path.of("topology-description.txt");

    @Test
    void theTopologyIsTheCommittedOne() throws Exception {
        String actual = TopologyKit.topology().describe().toString();
        if (Boolean.getBoolean("topology.description.write")) {
            Files.writeString(COMMITTED, actual);
        }
        assertThat(COMMITTED).as("topology/topology-description.txt").exists();
        assertThat(actual).isEqualTo(Files.readString(COMMITTED));
    }
}
