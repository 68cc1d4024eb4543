#include "listen_backlog.h"

#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>

namespace autoprof::viewer {

void RaiseListenBacklog(int port) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (const dirent* entry = readdir(dir)) {
    int fd = std::atoi(entry->d_name);
    if (fd <= 2) continue;
    int accepting = 0;
    socklen_t length = sizeof accepting;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) != 0 || !accepting) continue;
    sockaddr_storage address{};
    length = sizeof address;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) continue;
    int bound = address.ss_family == AF_INET
                    ? ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port)
                : address.ss_family == AF_INET6
                    ? ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port)
                    : -1;
    if (bound == port) ::listen(fd, SOMAXCONN);
  }
  closedir(dir);
}

}  // namespace autoprof::viewer
