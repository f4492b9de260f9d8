# What `cmake --install` puts where (GNUInstallDirs): the content of the Debian packages
# (debian/*.install splits it between tandem and tandem-lab). The unit file is
# debian/tandem.service, installed by dh_installsystemd.
#
#   sbin/tandemd                              the daemon
#   bin/tandem                                the command-line tool
#   libexec/tandem/tandem-etcd-lock           cluster lock helpers ([cluster] lock = "!...")
#   share/bash-completion/completions/tandem  bash completion of `tandem`
#   share/doc/tandem/examples/                tandem.conf, nodes, public_addresses, ip_groups
#   share/man/man{1,5,7,8}/                   man pages (man/CMakeLists.txt)
#   share/tandem/examples/iscsi-tgt/          the iSCSI target hooks (executable, so not under doc/)
#   bin/tandem-lab, bin/tandem-sim, bin/tandem-failover-bench   the evaluation tools
set(TANDEM_LIBEXEC_DIR ${CMAKE_INSTALL_LIBEXECDIR}/tandem)

install(TARGETS tandemd DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS tandem tandem-lab tandem-sim DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS $<TARGET_FILE:failover_bench> DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME tandem-failover-bench)
install(PROGRAMS helpers/tandem-etcd-lock DESTINATION ${TANDEM_LIBEXEC_DIR})
install(FILES completion/tandem DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES config/tandem.conf.example config/nodes.example config/public_addresses.example
              config/ip_groups.example
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(PROGRAMS examples/iscsi-tgt/60.iscsi-tgt DESTINATION ${CMAKE_INSTALL_DATADIR}/tandem/examples/iscsi-tgt)
install(FILES examples/iscsi-tgt/iscsi-tgt.conf examples/iscsi-tgt/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tandem/examples/iscsi-tgt)
install(PROGRAMS examples/iscsi-tgt/lio/60.iscsi-lio DESTINATION ${CMAKE_INSTALL_DATADIR}/tandem/examples/iscsi-tgt/lio)
