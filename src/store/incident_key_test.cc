// Tests of incident identity: KeyOf is SipHash-2-4-128 of (agency, 0x1f, source id) under
// the store's secret, and
// IncidentKeySet finds every inserted key and refuses duplicates as it grows.
#include "store/incident_key.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <random>
#include <string>
#include <string_view>

namespace harmlens {
namespace {

std::string Hex(const IncidentKey& key) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : key.bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// A key whose first 8 bytes (the part IncidentKeySet uses to pick a slot) are all equal,
// so every such key lands in the same probe chain.
IncidentKey CollidingKey(uint32_t n) {
  IncidentKey key;
  key.bytes.fill(0xAB);
  key.bytes[12] = static_cast<uint8_t>(n);
  key.bytes[13] = static_cast<uint8_t>(n >> 8);
  key.bytes[14] = static_cast<uint8_t>(n >> 16);
  return key;
}

constexpr IncidentKeySecret kSecret{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}};

IncidentKey KeyOf(Agency agency, std::string_view source_id) { return ::harmlens::KeyOf(kSecret, agency, source_id); }

TEST(KeyOf, matches_siphash_2_4_128_computed_independently) {
  // Known answers from OpenSSL 3.0's SipHash (a separate implementation from libsodium's):
  //   printf '\x00\x1f2022-10/abc' > m
  //   openssl mac -macopt hexkey:000102030405060708090a0b0c0d0e0f -macopt size:16 -in m SIPHASH
  EXPECT_EQ(Hex(KeyOf(Agency::kPoliceUk, "2022-10/abc")), "cef3b4628e2c2ec0473ef5f1e51a1348");
  EXPECT_EQ(Hex(KeyOf(Agency::kPoliceExtract, "2022-10/abc")), "257cc99208ee26f1912821e713219393");
  EXPECT_EQ(Hex(KeyOf(Agency::kPoliceUk, "")), "8525753b435a89ad75783d63c18c749f");
  // A long id: 0x03 0x1f and 300 'x' (python3 writes the message).
  EXPECT_EQ(Hex(KeyOf(Agency::kPartnerAgency, std::string(300, 'x'))), "caaf5231c3e6c7c335b477a8fd1d6e20");
  // Another store's secret (hexkey:ffeeddccbbaa99887766554433221100) gives another key.
  const IncidentKeySecret other{{0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33,
                                 0x22, 0x11, 0x00}};
  EXPECT_EQ(Hex(::harmlens::KeyOf(other, Agency::kPoliceUk, "2022-10/abc")), "633f22f7fdba25fead1790031a743189");
}

// KeyOf reads the id in place, word by word, with a different path for ids under 8
// bytes and for each length of the last partial word: every length from 0 to 80 (the
// message then spans 0 to 10 words), under random secrets, against libsodium's
// crypto_shorthash_siphashx24 given the whole message in one buffer.
TEST(KeyOf, agrees_with_libsodium_at_every_length) {
  ASSERT_GE(sodium_init(), 0);
  std::mt19937_64 random(20261206);
  for (int trial = 0; trial < 20; ++trial) {
    IncidentKeySecret secret;
    for (uint8_t& b : secret.bytes) b = static_cast<uint8_t>(random());
    for (size_t length = 0; length <= 80; ++length) {
      std::string id(length, '\0');
      for (char& c : id) c = static_cast<char>(random());
      const Agency agency = trial % 2 ? Agency::kPoliceUk : Agency::kPartnerAgency;
      std::string message = {static_cast<char>(agency), '\x1f'};
      message += id;
      IncidentKey expected;
      crypto_shorthash_siphashx24(expected.bytes.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size(), secret.bytes.data());
      ASSERT_EQ(Hex(::harmlens::KeyOf(secret, agency, id)), Hex(expected)) << "id of " << length << " bytes";
    }
  }
}

TEST(KeyOf, differs_by_agency_for_the_same_source_id) {
  EXPECT_NE(KeyOf(Agency::kPoliceUk, "LE/1"), KeyOf(Agency::kPoliceExtract, "LE/1"));
  EXPECT_NE(KeyOf(Agency::kEmergencyDepartment, "LE/1"), KeyOf(Agency::kPartnerAgency, "LE/1"));
}

TEST(KeyOf, differs_by_source_id_and_is_stable) {
  EXPECT_NE(KeyOf(Agency::kPoliceUk, "LE/1"), KeyOf(Agency::kPoliceUk, "LE/2"));
  EXPECT_NE(KeyOf(Agency::kPoliceUk, "LE/1"), KeyOf(Agency::kPoliceUk, "LE/1 "));
  EXPECT_EQ(KeyOf(Agency::kPoliceUk, "LE/1"), KeyOf(Agency::kPoliceUk, std::string("LE/1")));
}

TEST(IncidentKeySet, an_empty_set_contains_nothing) {
  IncidentKeySet set;
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.Contains(KeyOf(Agency::kPoliceUk, "x")));
}

TEST(IncidentKeySet, insert_accepts_a_new_key_once_and_refuses_it_after) {
  IncidentKeySet set;
  IncidentKey key = KeyOf(Agency::kPoliceUk, "2022-10/abc");
  EXPECT_TRUE(set.Insert(key));
  EXPECT_FALSE(set.Insert(key));
  EXPECT_TRUE(set.Contains(key));
  EXPECT_EQ(set.size(), 1u);
}

TEST(IncidentKeySet, finds_every_key_and_no_other_across_growth) {
  IncidentKeySet set;
  constexpr int kKeys = 200000;  // many doublings from the first 1024 slots
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(set.Insert(KeyOf(Agency::kPoliceUk, std::to_string(i)))) << i;
  }
  EXPECT_EQ(set.size(), static_cast<size_t>(kKeys));
  int missing = 0, duplicates_accepted = 0, strangers_found = 0;
  for (int i = 0; i < kKeys; ++i) {
    if (!set.Contains(KeyOf(Agency::kPoliceUk, std::to_string(i)))) ++missing;
    if (set.Insert(KeyOf(Agency::kPoliceUk, std::to_string(i)))) ++duplicates_accepted;
    if (set.Contains(KeyOf(Agency::kPoliceExtract, std::to_string(i)))) ++strangers_found;
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(duplicates_accepted, 0);
  EXPECT_EQ(strangers_found, 0);
  EXPECT_EQ(set.size(), static_cast<size_t>(kKeys));
}

TEST(IncidentKeySet, keys_that_share_a_slot_are_all_kept_through_growth) {
  IncidentKeySet set;
  constexpr uint32_t kKeys = 3000;  // one probe chain, longer than the first table
  for (uint32_t i = 0; i < kKeys; ++i) ASSERT_TRUE(set.Insert(CollidingKey(i))) << i;
  for (uint32_t i = 0; i < kKeys; ++i) {
    EXPECT_TRUE(set.Contains(CollidingKey(i))) << i;
    EXPECT_FALSE(set.Insert(CollidingKey(i))) << i;
  }
  EXPECT_FALSE(set.Contains(CollidingKey(kKeys)));
  EXPECT_EQ(set.size(), kKeys);
}

TEST(IncidentKeySet, reserve_keeps_the_keys_already_inserted) {
  IncidentKeySet set;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(set.Insert(KeyOf(Agency::kPoliceUk, std::to_string(i))));
  set.Reserve(100000);
  EXPECT_EQ(set.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(set.Contains(KeyOf(Agency::kPoliceUk, std::to_string(i)))) << i;
  EXPECT_TRUE(set.Insert(KeyOf(Agency::kPoliceUk, "100")));
  EXPECT_EQ(set.size(), 101u);
}

TEST(IncidentKeySet, keeps_the_all_zero_key_apart_from_the_empty_slots) {
  IncidentKeySet set;
  const IncidentKey zero{};
  EXPECT_FALSE(set.Contains(zero));
  EXPECT_TRUE(set.Insert(zero));
  EXPECT_FALSE(set.Insert(zero));
  EXPECT_TRUE(set.Contains(zero));
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(set.Insert(KeyOf(Agency::kPoliceUk, std::to_string(i))));
  EXPECT_TRUE(set.Contains(zero));  // still there after the table grew
  EXPECT_EQ(set.size(), 5001u);
}

}  // namespace
}  // namespace harmlens
