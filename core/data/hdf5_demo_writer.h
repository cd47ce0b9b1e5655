// Writes the LIBERO / robomimic HDF5 layout (data/demo_<n>/actions, obs datasets, the
// /data attributes) so that readers, ours or robomimic's, see a whole file or none.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/data/action_dataset.h"

namespace fb::data {

enum class Hdf5Float { kFloat32, kFloat64 };

// HDF5 writes the file itself, so the writer builds "<path>.tmp-<pid>-<n>" and Commit()
// fsyncs and renames it onto `path`; destroying an uncommitted writer removes the
// temporary file and leaves any previous `path` untouched. Not copyable or movable.
// Every method throws std::runtime_error naming the file and HDF5's reason on an HDF5
// failure, and fb::InputError naming the file when values do not match a shape.
class Hdf5DemoWriter final {
 public:
  // Creates the temporary file (and missing parent directories) with an empty /data.
  explicit Hdf5DemoWriter(std::filesystem::path path);
  ~Hdf5DemoWriter();
  Hdf5DemoWriter(const Hdf5DemoWriter&) = delete;
  Hdf5DemoWriter& operator=(const Hdf5DemoWriter&) = delete;

  const std::filesystem::path& path() const { return k_path_; }

  // Sets the /data string attributes read back by ReadHdf5Actions (kEmbodimentAttribute,
  // kActionSpaceAttribute).
  void SetActionLabels(std::string_view embodiment, std::string_view action_space);

  // Sets a string attribute of /data, e.g. "env_args" (a JSON string) or "problem_info".
  void SetDataAttribute(const std::string& name, std::string_view value);

  // Sets a string / int64 attribute of the existing group or dataset at an absolute path
  // such as "data/demo_0" (per-demo identity: task, embodiment, init index, seed).
  void SetAttribute(const std::string& object_path, const std::string& name, std::string_view value);
  void SetAttribute(const std::string& object_path, const std::string& name, int64_t value);

  // Writes data/demo_<index>/actions, (steps x dims) stored as float64 like LIBERO's,
  // and the demo's num_samples attribute; returns "data/demo_<index>". Fails when the
  // demo already exists or actions.size() != steps * dims.
  std::string WriteDemoActions(int64_t index, int64_t steps, int dims, std::span<const float> actions);

  // Writes a float dataset of `shape` at an absolute path such as
  // "data/demo_0/obs/ee_states", creating missing groups on the way.
  void WriteFloatDataset(const std::string& path, std::span<const int64_t> shape, std::span<const float> values,
                         Hdf5Float stored = Hdf5Float::kFloat32);

  // Same from doubles, stored as float64 (MuJoCo states, which must round-trip exactly).
  void WriteFloatDataset(const std::string& path, std::span<const int64_t> shape, std::span<const double> values);

  // Writes RGB frames, (frames x height x width x 3) uint8, at an absolute path such as
  // "data/demo_0/obs/agentview_rgb"; gzip-compressed one frame per chunk, as robomimic
  // stores image observations.
  void WriteImageDataset(const std::string& path, int64_t frames, int height, int width,
                         std::span<const uint8_t> rgb);

  // Sets /data's total (sum of num_samples) and num_demos, closes the file, fsyncs and
  // renames it onto path(). Any later call, Commit included, throws std::logic_error.
  void Commit();

 private:
  struct Open;  // the HDF5 handles; keeps hdf5.h out of this header

  // The live handles; throws std::logic_error once committed or failed.
  Open& Handles();

  std::filesystem::path k_path_;
  std::filesystem::path k_temp_path_;
  std::unique_ptr<Open> k_open_;
  int64_t k_total_samples_ = 0;
  int64_t k_demos_ = 0;
  bool k_committed_ = false;
};

// Writes `dataset` as data/demo_0.. in episode order, with action labels taken from its
// episodes. Throws fb::InputError naming the two episodes when they differ in
// embodiment, action space or dims, or when the dataset is empty.
void WriteHdf5Actions(const std::filesystem::path& path, const ActionDataset& dataset);

}  // namespace fb::data
