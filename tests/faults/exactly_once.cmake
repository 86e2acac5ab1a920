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

# Each scenario bounds its own waits; the longest (the crash loop) takes about a minute.
set(fault_script_args --kafka-local "${PROJECT_SOURCE_DIR}/scripts/kafka-local"
    --kafka-port ${IMR_IT_KAFKA_PORT} --kafka-state-dir ${IMR_IT_KAFKA_STATE_DIR}
    --corpus ${IMR_CORPUS_DIR} --work-dir "${CMAKE_CURRENT_BINARY_DIR}/faults-work")
foreach(name eos_crash_loop eos_abort_rewind eos_fencing static_membership)
    add_test(NAME faults.${name}
             COMMAND ${Python3_EXECUTABLE} "${CMAKE_CURRENT_LIST_DIR}/${name}.py"
                     --imr-stream $<TARGET_FILE:imr-stream> ${fault_script_args})
    set_tests_properties(faults.${name} PROPERTIES FIXTURES_REQUIRED kafka RUN_SERIAL TRUE
        LABELS faults TIMEOUT 240
        ENVIRONMENT "IMR_KAFKA_PORT=${IMR_IT_KAFKA_PORT};IMR_KAFKA_STATE_DIR=${IMR_IT_KAFKA_STATE_DIR}")
endforeach()
