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

# twikit_add_test(NAME name SOURCES a.cpp ... LIBS lib ... [LABELS l ...])
# Builds one Catch2 test binary (linked to the shared Catch2 main) and registers it with CTest.
function(twikit_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  twikit_target_defaults(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE twikit_catch_main ${T_LIBS})
  target_compile_definitions(${T_NAME} PRIVATE
    TWIKIT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    TWIKIT_BINARY_DIR="${PROJECT_BINARY_DIR}"
    TWIKIT_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(NOT TWIKIT_SANITIZE STREQUAL "")
    math(EXPR T_TIMEOUT "${T_TIMEOUT} * ${TWIKIT_TEST_TIMEOUT_SCALE}")
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
endfunction()
