// Test support: a Store that passes every call to another store, for fakes that change
// one behaviour each (the order involvements arrive in, what an incident read sees, how
// counts are made) and leave the rest to a real store.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace harmlens::testing {

class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(Store* inner) : inner_(inner) {}
  const IncidentKeySecret& incident_key_secret() const override { return inner_->incident_key_secret(); }
  Result<int64_t> BeginLoad(const LoadStart& start) override { return inner_->BeginLoad(start); }
  Result<BatchCounts> WriteBatch(const IncidentBatch& batch) override { return inner_->WriteBatch(batch); }
  Result<LoadCounts> WriteAgencyRecords(const AgencyRecordBatch& batch) override {
    return inner_->WriteAgencyRecords(batch);
  }
  Status FinishLoad(int64_t load_id, const std::string& hash) override {
    return inner_->FinishLoad(load_id, hash);
  }
  Result<std::vector<LoadRecord>> ListLoads() override { return inner_->ListLoads(); }
  Result<std::vector<QuarantinedRow>> ListQuarantine(std::optional<int64_t> load_id) override {
    return inner_->ListQuarantine(load_id);
  }
  Result<int64_t> CountIncidents() override { return inner_->CountIncidents(); }
  Status ScanIncidents(const IncidentScan& scan,
                       const std::function<void(const IncidentRow&)>& visit) override {
    return inner_->ScanIncidents(scan, visit);
  }
  Status ScanIncidentCounts(std::optional<YearMonth> from, std::optional<YearMonth> to,
                            const std::function<void(const IncidentCount&)>& visit) override {
    return inner_->ScanIncidentCounts(from, to, visit);
  }
  Status ReadIncidents(const IncidentScan& scan,
                       const std::function<void(int64_t, const Incident&)>& visit) override {
    return inner_->ReadIncidents(scan, visit);
  }
  Result<std::vector<Involvement>> InvolvementsOf(int64_t id) override { return inner_->InvolvementsOf(id); }
  Status ScanIncidentsAfter(int64_t after, const std::function<void(const IncidentRow&)>& visit) override {
    return inner_->ScanIncidentsAfter(after, visit);
  }
  Status ScanInvolvements(int64_t after, const std::function<void(const InvolvementRow&)>& visit) override {
    return inner_->ScanInvolvements(after, visit);
  }
  Status ReadAgencyRecords(const std::function<void(int64_t, const AgencyRecord&)>& visit) override {
    return inner_->ReadAgencyRecords(visit);
  }
  Status CheckIntegrity() override { return inner_->CheckIntegrity(); }
  Result<std::unique_ptr<Store>> OpenReader() override { return inner_->OpenReader(); }

 protected:
  Store* inner_;
};

}  // namespace harmlens::testing
