# autoprof::viewer: `autoprof serve`'s HTTP server (cpp-httplib), its store (an
# SQLite index in WAL mode plus content-addressed pprof files) and the webhook
# notifier. Debian's cpp-httplib is a compiled library whose ABI depends on the
# feature macros in its pkg-config file, so it comes in through pkg-config.
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)

file(GLOB viewer_server_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cc)
# The self-contained flame page (flame_html*.cc) belongs to autoprof_ui.
list(FILTER viewer_server_sources EXCLUDE REGEX "/flame_html[^/]*\\.cc$")
autoprof_module(viewer
  SOURCES ${viewer_server_sources}
  PUBLIC_DEPS autoprof::profile
  PRIVATE_DEPS PkgConfig::HTTPLIB SQLite::SQLite3 nlohmann_json::nlohmann_json
               ZLIB::ZLIB Threads::Threads)
foreach(lib autoprof_ui)
  if(TARGET ${lib})
    target_link_libraries(autoprof_viewer PRIVATE ${lib})
    target_compile_definitions(autoprof_viewer PRIVATE AUTOPROF_HAVE_UI_ASSETS=1)
  endif()
endforeach()
