# Per-target build hygiene: warnings (as errors when TWIKIT_WERROR) and the sanitizer selected by
# TWIKIT_SANITIZE, applied by one call so every library, binary and test is built the same way.
# TWIKIT_SANITIZE=fuzz (clang only, the `fuzz` preset) instruments everything for libFuzzer with ASan and
# UBSan; the harnesses in tests/fuzz/ add libFuzzer's main when they link (twikit_add_fuzzer there).

# How much longer tests may wait in sanitizer builds (see tests/CMakeLists.txt).
set(TWIKIT_TEST_TIMEOUT_SCALE 4)

function(twikit_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wnull-dereference)
  if(TWIKIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(NOT TWIKIT_SANITIZE STREQUAL "" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's flow analysis sees the sanitizers' instrumentation and reports impossible overlaps and
    # sizes in libstdc++ string code (-Wrestrict, -Wstringop-overflow); those stay on in normal builds.
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow -Wno-maybe-uninitialized)
  endif()
  if(TWIKIT_SANITIZE STREQUAL "address")
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  elseif(TWIKIT_SANITIZE STREQUAL "thread")
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
    # Asio's handler fences (std::atomic_thread_fence) are invisible to TSan and refused by GCC under it;
    # its scheduler's mutexes, which TSan does see, order the handlers anyway.
    target_compile_definitions(${target} PRIVATE BOOST_ASIO_DISABLE_FENCED_BLOCK)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  elseif(TWIKIT_SANITIZE STREQUAL "fuzz")
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      message(FATAL_ERROR "TWIKIT_SANITIZE=fuzz needs clang (libFuzzer): use the fuzz preset")
    endif()
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  elseif(NOT TWIKIT_SANITIZE STREQUAL "")
    message(FATAL_ERROR "TWIKIT_SANITIZE must be '', 'address', 'thread' or 'fuzz'")
  endif()
endfunction()

# Prometheus' conformance data (PromQL scripts, promtool's test files) is read from beside the checkout,
# never copied in; TWIKIT_CONFORMANCE_DIR overrides the location at test time (README, "Tests that need
# Prometheus' data").
set(TWIKIT_CONFORMANCE_DEFAULT_DIR ${PROJECT_SOURCE_DIR}/../shared/conformance)

# twikit_add_conformance_test(NAME name SUBDIR promql|promtool [CD] COMMAND cmd args...)
# Registers a CTest entry that needs the conformance data's SUBDIR: without it the entry is reported as
# skipped with the reason (exit 77), never passed or failed. CD runs the command inside that directory.
function(twikit_add_conformance_test)
  cmake_parse_arguments(C "CD" "NAME;SUBDIR" "COMMAND" ${ARGN})
  set(cd_flag)
  if(C_CD)
    set(cd_flag --cd)
  endif()
  add_test(NAME ${C_NAME}
           COMMAND sh ${PROJECT_SOURCE_DIR}/tests/support/with_conformance_data.sh
                   ${TWIKIT_CONFORMANCE_DEFAULT_DIR} ${C_SUBDIR} ${cd_flag} -- ${C_COMMAND})
  set_tests_properties(${C_NAME} PROPERTIES SKIP_RETURN_CODE 77)
endfunction()

# twikit_add_test(NAME name SOURCES a.cpp ... LIBS lib ... [LABELS l ...] [TIMEOUT s]
#                 [CONFORMANCE_DATA promql|promtool [CONFORMANCE_ONLY]])
# Builds one Catch2 test binary (linked to the shared Catch2 main) and registers it with CTest. With
# CONFORMANCE_DATA, the test cases tagged [conformance-data] run as a second entry, <name>_conformance_data,
# which is skipped with the reason when the data is absent; with CONFORMANCE_ONLY every case needs the data
# and the one entry, <name>, runs them that way.
function(twikit_add_test)
  cmake_parse_arguments(T "CONFORMANCE_ONLY" "NAME;TIMEOUT;CONFORMANCE_DATA" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  twikit_target_defaults(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE twikit_catch_main ${T_LIBS})
  target_compile_definitions(${T_NAME} PRIVATE
    TWIKIT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    TWIKIT_BINARY_DIR="${PROJECT_BINARY_DIR}"
    TWIKIT_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(NOT TWIKIT_SANITIZE STREQUAL "")
    math(EXPR T_TIMEOUT "${T_TIMEOUT} * ${TWIKIT_TEST_TIMEOUT_SCALE}")
  endif()
  set(entries)
  if(NOT T_CONFORMANCE_DATA)
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    list(APPEND entries ${T_NAME})
  else()
    set(data_entry ${T_NAME})
    if(NOT T_CONFORMANCE_ONLY)
      add_test(NAME ${T_NAME} COMMAND ${T_NAME} "~[conformance-data]")
      list(APPEND entries ${T_NAME})
      set(data_entry ${T_NAME}_conformance_data)
    endif()
    twikit_add_conformance_test(NAME ${data_entry} SUBDIR ${T_CONFORMANCE_DATA}
                                COMMAND $<TARGET_FILE:${T_NAME}> "[conformance-data]")
    list(APPEND entries ${data_entry})
  endif()
  set_tests_properties(${entries} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
endfunction()
