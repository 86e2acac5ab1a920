# Exactly-once and static-membership fault scenarios (label `faults`), against the integration
# fixture's real broker (tests/integration/CMakeLists.txt starts and stops it):
#
#   ctest --preset ci -L faults
#
# Each prints `# figures {...}` (inputs, outcomes, dead letters, lost, duplicates, times) and
# `N passed, M failed`. Together they take about 3 minutes on the 2-core machine.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT IMR_IT_KCAT OR NOT IMR_IT_JAVA)
    return()
endif()

# name -> TIMEOUT (s); each script keeps its own bounded waits well inside it
set(eos_scenarios eos_crash_loop=240 eos_abort_rewind=120 eos_fencing=150 static_membership=120)
foreach(entry IN LISTS eos_scenarios)
    string(REPLACE "=" ";" parts "${entry}")
    list(GET parts 0 name)
    list(GET parts 1 timeout)
    add_test(NAME faults.${name}
             COMMAND ${Python3_EXECUTABLE} "${CMAKE_CURRENT_LIST_DIR}/${name}.py"
                     --imr-stream $<TARGET_FILE:imr-stream>
                     --kafka-local "${PROJECT_SOURCE_DIR}/scripts/kafka-local"
                     --kafka-port ${IMR_IT_KAFKA_PORT}
                     --kafka-state-dir ${IMR_IT_KAFKA_STATE_DIR}
                     --corpus ${IMR_CORPUS_DIR}
                     --work-dir "${CMAKE_CURRENT_BINARY_DIR}/faults-work")
    set_tests_properties(faults.${name} PROPERTIES
        FIXTURES_REQUIRED kafka RUN_SERIAL TRUE LABELS faults TIMEOUT ${timeout}
        ENVIRONMENT "IMR_KAFKA_PORT=${IMR_IT_KAFKA_PORT};IMR_KAFKA_STATE_DIR=${IMR_IT_KAFKA_STATE_DIR}")
endforeach()
