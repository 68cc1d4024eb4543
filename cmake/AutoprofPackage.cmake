# Install rules and the CMake package: find_package(autoprof CONFIG) gives
# autoprof::cgroup, autoprof::profile (and later autoprof::agent).
include(CMakePackageConfigHelpers)

install(DIRECTORY base/include/ cgroup/include/ profile/include/ agent/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS autoprof_base autoprof_cgroup autoprof_profile autoprof_agent
        EXPORT autoprofTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS autoprof RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS autoprof_preload LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT autoprofTargets NAMESPACE autoprof::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/autoprof)

configure_package_config_file(cmake/autoprofConfig.cmake.in
  ${PROJECT_BINARY_DIR}/autoprofConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/autoprof)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/autoprofConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/autoprofConfig.cmake
              ${PROJECT_BINARY_DIR}/autoprofConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/autoprof)

configure_file(cmake/autoprof.pc.in ${PROJECT_BINARY_DIR}/autoprof.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/autoprof.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
