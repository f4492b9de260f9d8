# tandem_add_module(NAME SOURCES ... DEPENDS ...)
#   One layer of docs/design/architecture.md as a static library `tandem_<NAME>`, linking only DEPENDS.
function(tandem_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(tandem_${name} STATIC ${ARG_SOURCES})
  target_include_directories(tandem_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(tandem_${name} PUBLIC ${ARG_DEPENDS} PRIVATE tandem_warnings)
endfunction()

# tandem_add_test(NAME SOURCES ... DEPENDS ... [LABELS ...])
#   A GoogleTest binary registered with CTest, test by test, under LABELS (default `unit`).
#   Nothing at all without TANDEM_TESTS (the package build).
function(tandem_add_test name)
  if(NOT TANDEM_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPENDS} GTest::gtest GTest::gtest_main tandem_warnings)
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 30)
endfunction()

if(TANDEM_TESTS)
  include(GoogleTest)
endif()
