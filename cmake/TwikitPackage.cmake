# The Debian package (`cpack -G DEB`, or `cpack --preset release`), shaped like Debian's prometheus-*
# packages: binaries in /usr/bin, units in /lib/systemd/system, configs in /etc/twikit-monitor as
# conffiles (with /etc/default/<program> for ARGS), rules and dashboards in /usr/share/twikit-monitor,
# docs and a man page per program, Depends computed by dpkg-shlibdeps, and maintainer scripts that start
# nothing on install (deploy/debian/). Meant for the `release` preset, which installs into /usr and /etc;
# any other prefix still packages, but not where Debian's policy wants the files.
#
# One package holds the three programs: they share /etc/twikit-monitor, the units and the docs, and are
# 5 MB together; an operator who runs only the exporter enables only its unit.

set(debian ${PROJECT_SOURCE_DIR}/deploy/debian)
set(TWIKIT_PACKAGE_STAGE ${PROJECT_BINARY_DIR}/package-files)

# /etc/default/<program>: ARGS for the unit's ExecStart, as Debian's prometheus-* packages have.
foreach(program alertd twikit-exporter twikit-sim)
  install(FILES ${debian}/default/${program} DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/default)
endforeach()

# copyright and changelog where Debian's policy wants them (the changelog gzip'd with -n: reproducible).
install(FILES ${debian}/copyright DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/twikit-monitor)
find_program(TWIKIT_GZIP gzip)
if(TWIKIT_GZIP)
  add_custom_command(OUTPUT ${TWIKIT_PACKAGE_STAGE}/changelog.Debian.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${TWIKIT_PACKAGE_STAGE}
    COMMAND ${TWIKIT_GZIP} -9nc ${debian}/changelog > ${TWIKIT_PACKAGE_STAGE}/changelog.Debian.gz
    DEPENDS ${debian}/changelog VERBATIM)
  add_custom_target(twikit_package_changelog ALL DEPENDS ${TWIKIT_PACKAGE_STAGE}/changelog.Debian.gz)
  install(FILES ${TWIKIT_PACKAGE_STAGE}/changelog.Debian.gz DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/twikit-monitor)
endif()

# A man page per program from its own --help (help2man), when help2man is installed.
find_program(TWIKIT_HELP2MAN help2man)
if(TWIKIT_HELP2MAN AND TWIKIT_GZIP)
  set(pages)
  foreach(pair "twikit-exporter:the Twikit services' status as Prometheus metrics"
               "alertd:Prometheus rules and notifications for the Twikit platform"
               "twikit-sim:the ten Twikit services, simulated")
    string(REPLACE ":" ";" parts "${pair}")
    list(GET parts 0 program)
    list(GET parts 1 summary)
    set(page ${TWIKIT_PACKAGE_STAGE}/man/${program}.1.gz)
    add_custom_command(OUTPUT ${page}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${TWIKIT_PACKAGE_STAGE}/man
      COMMAND ${TWIKIT_HELP2MAN} --no-info --section=1 --version-string=${PROJECT_VERSION} --name=${summary} --output=${TWIKIT_PACKAGE_STAGE}/man/${program}.1
              $<TARGET_FILE:${program}>
      COMMAND ${TWIKIT_GZIP} -9nf ${TWIKIT_PACKAGE_STAGE}/man/${program}.1
      DEPENDS ${program} VERBATIM)
    list(APPEND pages ${page})
  endforeach()
  add_custom_target(twikit_man_pages ALL DEPENDS ${pages})
  install(FILES ${pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME twikit-monitor)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "twikit-monitor maintainers <maintainers@twikit-monitor.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Prometheus exporter, alerting daemon and simulator for the Twikit platform")
set(CPACK_PACKAGE_DESCRIPTION "twikit-exporter serves the ten Twikit services' JSON status as
Prometheus metrics; alertd scrapes it, evaluates Prometheus rule files and
notifies by email, webhook, Slack, the system log or an Alertmanager, with
routing, grouping, silences, acknowledgement and escalation; twikit-sim plays
the ten services for demos and tests. No service is started on install:
enable the units you need.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})

# Every file under /etc is a conffile: dpkg keeps the operator's edits on upgrade and removal.
set(etc ${TWIKIT_INSTALLED_SYSCONFDIR})
set(conffiles "${etc}/twikit-monitor/exporter.yaml\n${etc}/twikit-monitor/alertd.yaml\n")
foreach(rule_file ${rule_files})
  cmake_path(GET rule_file FILENAME name)
  string(APPEND conffiles "${etc}/twikit-monitor/rules/${name}\n")
endforeach()
foreach(program alertd twikit-exporter twikit-sim)
  string(APPEND conffiles "${etc}/default/${program}\n")
endforeach()
file(WRITE ${TWIKIT_PACKAGE_STAGE}/control/conffiles.tmp "${conffiles}")
configure_file(${TWIKIT_PACKAGE_STAGE}/control/conffiles.tmp ${TWIKIT_PACKAGE_STAGE}/control/conffiles COPYONLY)
foreach(script postinst prerm postrm)
  configure_file(${debian}/${script} ${TWIKIT_PACKAGE_STAGE}/control/${script} COPYONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${TWIKIT_PACKAGE_STAGE}/control/conffiles ${TWIKIT_PACKAGE_STAGE}/control/postinst
                                       ${TWIKIT_PACKAGE_STAGE}/control/prerm ${TWIKIT_PACKAGE_STAGE}/control/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
