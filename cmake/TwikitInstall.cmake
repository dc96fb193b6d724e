# `cmake --install` layout: binaries in bin/, default configs in etc/twikit-monitor/, rules and dashboards
# in share/twikit-monitor/.
foreach(dir rules dashboards)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${dir})
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION ${CMAKE_INSTALL_DATADIR}/twikit-monitor/${dir})
  endif()
endforeach()
