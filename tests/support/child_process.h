// End-to-end tests run programs (the fasterbench binary, mpirun) as child processes: each in
// a fresh directory, its output captured in files there, its exit status read the way a shell
// reports it (128 + signal when killed).
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

namespace fb::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// An empty directory `name` under the test temp directory (emptied when it exists).
inline std::filesystem::path FreshDir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The whole file, or "" when it cannot be read.
inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts `program args` (searched on PATH) with stdout and stderr in dir/stdout, dir/stderr.
inline pid_t Spawn(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& dir) {
  std::vector<std::string> storage = {program};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, (dir / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (dir / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Waits for a child started by Spawn in `dir` and reads what it wrote.
inline ProcessResult Wait(pid_t pid, const std::filesystem::path& dir) {
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), ReadText(dir / "stdout"),
          ReadText(dir / "stderr")};
}

inline ProcessResult Run(const std::string& program, const std::vector<std::string>& args,
                         const std::filesystem::path& dir) {
  return Wait(Spawn(program, args, dir), dir);
}

}  // namespace fb::testing
