# `cmake --install` layout (the binaries install themselves from their own CMakeLists):
#   bin/                                   twikit-exporter, alertd, twikit-sim
#   etc/twikit-monitor/                    exporter.yaml (from exporter/), alertd.yaml, rules/*.yml  (the operator's copies)
#   share/twikit-monitor/rules/            the shipped rule files, pristine (alertd's fallback rules directory)
#   share/twikit-monitor/dashboards/       Grafana dashboards
#   share/twikit-monitor/{prometheus,grafana,kubernetes}/   prometheus.yml, Grafana provisioning, manifests
#   lib/systemd/system/                    twikit-exporter.service, alertd.service, twikit-sim.service
#   share/doc/twikit-monitor/              operations.md
# Files that name installed paths (/usr/bin, /etc/twikit-monitor, /usr/share/twikit-monitor) are rewritten
# for the prefix chosen at configure time (-DCMAKE_INSTALL_PREFIX=/opt/twikit gives units and configs that
# point into /opt/twikit); `cmake --install --prefix DIR` only stages the same files elsewhere.

set(TWIKIT_INSTALL_CONFDIR ${CMAKE_INSTALL_SYSCONFDIR}/twikit-monitor)
set(TWIKIT_INSTALL_SHAREDIR ${CMAKE_INSTALL_DATADIR}/twikit-monitor)
set(TWIKIT_SYSTEMD_UNITDIR lib/systemd/system CACHE STRING "Where systemd units are installed, relative to the prefix")

# The configuration directory as the files land in it. GNUInstallDirs maps a relative "etc" under prefix
# /usr to /etc in CMAKE_INSTALL_FULL_SYSCONFDIR, but install(DESTINATION etc) still writes /usr/etc; files
# must name where they really are. Packagers pass -DCMAKE_INSTALL_SYSCONFDIR=/etc to get /etc.
if(IS_ABSOLUTE "${CMAKE_INSTALL_SYSCONFDIR}")
  set(TWIKIT_INSTALLED_SYSCONFDIR "${CMAKE_INSTALL_SYSCONFDIR}")
else()
  set(TWIKIT_INSTALLED_SYSCONFDIR "${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_SYSCONFDIR}")
endif()

# Copies `source` to the build tree with the documented default paths replaced by the installed ones.
function(twikit_install_rewritten source destination)
  cmake_path(GET source FILENAME name)
  file(READ ${source} text)
  string(REPLACE "/usr/bin/" "${CMAKE_INSTALL_FULL_BINDIR}/" text "${text}")
  string(REPLACE "/etc/twikit-monitor" "${TWIKIT_INSTALLED_SYSCONFDIR}/twikit-monitor" text "${text}")
  string(REPLACE "/usr/share/twikit-monitor" "${CMAKE_INSTALL_FULL_DATADIR}/twikit-monitor" text "${text}")
  string(REPLACE "/usr/share/doc/twikit-monitor" "${CMAKE_INSTALL_FULL_DATAROOTDIR}/doc/twikit-monitor" text "${text}")
  set(out ${PROJECT_BINARY_DIR}/install-files/${destination}/${name})
  file(WRITE ${out}.tmp "${text}")
  configure_file(${out}.tmp ${out} COPYONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
  install(FILES ${out} DESTINATION ${destination})
endfunction()

set(deploy ${PROJECT_SOURCE_DIR}/deploy)

file(GLOB rule_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/rules/*.yml)
if(rule_files)
  install(FILES ${rule_files} DESTINATION ${TWIKIT_INSTALL_SHAREDIR}/rules)
  install(FILES ${rule_files} DESTINATION ${TWIKIT_INSTALL_CONFDIR}/rules)
endif()

file(GLOB dashboards CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/dashboards/*.json)
if(dashboards)
  install(FILES ${dashboards} DESTINATION ${TWIKIT_INSTALL_SHAREDIR}/dashboards)
endif()

if(EXISTS ${deploy}/alertd.yaml)
  twikit_install_rewritten(${deploy}/alertd.yaml ${TWIKIT_INSTALL_CONFDIR})
endif()

file(GLOB units CONFIGURE_DEPENDS ${deploy}/systemd/*.service)
foreach(unit ${units})
  twikit_install_rewritten(${unit} ${TWIKIT_SYSTEMD_UNITDIR})
endforeach()

if(EXISTS ${deploy}/prometheus/prometheus.yml)
  twikit_install_rewritten(${deploy}/prometheus/prometheus.yml ${TWIKIT_INSTALL_SHAREDIR}/prometheus)
endif()
foreach(kind dashboards datasources)
  file(GLOB provisioning CONFIGURE_DEPENDS ${deploy}/grafana/provisioning/${kind}/*.yml)
  foreach(f ${provisioning})
    twikit_install_rewritten(${f} ${TWIKIT_INSTALL_SHAREDIR}/grafana/provisioning/${kind})
  endforeach()
endforeach()
file(GLOB manifests CONFIGURE_DEPENDS ${deploy}/kubernetes/*.yaml)
if(manifests)
  install(FILES ${manifests} DESTINATION ${TWIKIT_INSTALL_SHAREDIR}/kubernetes)
endif()

if(EXISTS ${PROJECT_SOURCE_DIR}/docs/operations.md)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/twikit-monitor)
endif()
