// A fresh, empty directory per test under the system temp directory, removed with
// everything in it when the test ends.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace fb::testing {

class ScratchDir final {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    k_path_ = std::filesystem::temp_directory_path() /
              ("fb_" + std::string(test->test_suite_name()) + "_" + std::string(test->name()) + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(k_path_);
    std::filesystem::create_directories(k_path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(k_path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::filesystem::path operator/(const std::string& name) const { return k_path_ / name; }
  const std::filesystem::path& path() const { return k_path_; }

 private:
  std::filesystem::path k_path_;
};

}  // namespace fb::testing
