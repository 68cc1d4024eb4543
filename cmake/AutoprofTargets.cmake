# Helpers shared by every module: warnings as errors in our own code, sanitizers,
# tests and fuzz targets.

function(autoprof_global_sanitizers)
  if(AUTOPROF_SANITIZE AND AUTOPROF_TSAN)
    message(FATAL_ERROR "AUTOPROF_SANITIZE and AUTOPROF_TSAN cannot be combined")
  endif()
  if(AUTOPROF_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
  endif()
  if(AUTOPROF_TSAN)
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
    add_link_options(-fsanitize=thread)
  endif()
  if(AUTOPROF_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      message(FATAL_ERROR "AUTOPROF_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++)")
    endif()
    add_compile_options(-fsanitize=fuzzer-no-link)
  endif()
endfunction()

# Warnings as errors for code we write; third-party headers come in as -isystem.
function(autoprof_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
                         -Wno-missing-field-initializers)
endfunction()

# A module library: autoprof_<name>, alias autoprof::<name>, one public header folder.
function(autoprof_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(autoprof_${name} STATIC ${ARG_SOURCES})
  add_library(autoprof::${name} ALIAS autoprof_${name})
  set_target_properties(autoprof_${name} PROPERTIES EXPORT_NAME ${name}
                        OUTPUT_NAME autoprof_${name})
  target_include_directories(autoprof_${name}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(autoprof_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  autoprof_warnings(autoprof_${name})
endfunction()

# A GoogleTest executable registered with CTest. LABELS tags the tests (unit,
# kernel, e2e, ...); tests that need root or a real cgroup skip themselves.
function(autoprof_gtest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    AUTOPROF_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    AUTOPROF_BINARY_DIR="${PROJECT_BINARY_DIR}")
  autoprof_warnings(${name})
  # Tests on the real kernel measure CPU: they run alone, not beside other tests.
  set(serial FALSE)
  if("kernel" IN_LIST ARG_LABELS)
    set(serial TRUE)
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
                       PROPERTIES LABELS "${ARG_LABELS}" SKIP_RETURN_CODE 77 RUN_SERIAL ${serial})
endfunction()

# A libFuzzer target plus a short CTest run over its seed corpus. New inputs go to
# a scratch folder so the seeds in the repository are never rewritten.
function(autoprof_fuzz_target name)
  cmake_parse_arguments(ARG "" "SECONDS;CORPUS" "SOURCES;LIBS" ${ARGN})
  if(NOT AUTOPROF_FUZZ)
    return()
  endif()
  if(NOT ARG_SECONDS)
    set(ARG_SECONDS 15)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  autoprof_warnings(${name})
  set(scratch ${PROJECT_BINARY_DIR}/fuzz-corpus/${name})
  add_test(NAME fuzz.${name}
           COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                   $<TARGET_FILE:${name}> -max_total_time=${ARG_SECONDS} -timeout=10
                   -rss_limit_mb=2048 -print_final_stats=1 ${scratch} ${ARG_CORPUS})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz)
  file(MAKE_DIRECTORY ${scratch})
endfunction()
