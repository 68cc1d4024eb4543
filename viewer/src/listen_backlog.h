// Debian's cpp-httplib listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG is
// compiled into its library): under a burst of uploads the kernel drops
// handshakes and clients see resets. RaiseListenBacklog finds this process's
// listening socket on `port` and raises its backlog to SOMAXCONN (listen() on a
// listening socket only sets its backlog). Does nothing when there is none.
#ifndef AUTOPROF_VIEWER_LISTEN_BACKLOG_H_
#define AUTOPROF_VIEWER_LISTEN_BACKLOG_H_

namespace autoprof::viewer {

void RaiseListenBacklog(int port);

}  // namespace autoprof::viewer

#endif  // AUTOPROF_VIEWER_LISTEN_BACKLOG_H_
