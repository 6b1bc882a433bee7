//! The Danish CPR number (personnummer): validation, the facts it carries
//! (birth date, sex), masking, and its protection at rest.
//!
//! Validation follows docs/design.md §4: ten digits and a real date, the century
//! from the seventh digit. The modulus-11 check is informative only — numbers
//! without it have been issued since 2007 and must be accepted.
//!
//! A [`Cpr`] never prints its serial by accident: `Debug` shows the masked
//! form, there is no `Display`, and the whole number is only available
//! through the explicit [`Cpr::formatted`]. At rest a CPR is AES-256-GCM
//! encrypted under a key id (for rotation), with a keyed HMAC-SHA256 hash for
//! exact lookup ([`CprVault`]).

use crate::domain::code_list;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use anyhow::{anyhow, bail};
use chrono::{Datelike, NaiveDate};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{aead, hmac};
use secrecy::ExposeSecret;

use crate::config::CprKeys;

/// Why a CPR number was refused. The messages are shown to API clients and
/// never repeat the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CprError {
    #[error("must be 10 digits, optionally ddmmyy-ssss")]
    Format,
    #[error("the first six digits are not a real date")]
    Date,
}

/// A valid CPR number: ten ASCII digits, no dash, with a real birth date.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cpr(String);

impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cpr({})", self.masked())
    }
}

/// The modulus-11 weights of the ten digits.
const MOD11_WEIGHTS: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

impl Cpr {
    /// Parses `ddmmyyssss` or `ddmmyy-ssss`, surrounding whitespace ignored.
    /// Refuses anything else, and dates that do not exist. Does not require
    /// the modulus-11 check (see [`Cpr::passes_modulus_11`]).
    pub fn parse(input: &str) -> Result<Cpr, CprError> {
        let bytes = input.trim().as_bytes();
        let digits: Vec<u8> = match bytes.len() {
            10 => bytes.to_vec(),
            11 if bytes[6] == b'-' => bytes[..6].iter().chain(&bytes[7..]).copied().collect(),
            _ => return Err(CprError::Format),
        };
        if digits.len() != 10 || !digits.iter().all(|b| b.is_ascii_digit()) {
            return Err(CprError::Format);
        }
        if birth_date_of(&digits).is_none() {
            return Err(CprError::Date);
        }
        let digits = String::from_utf8(digits).map_err(|_| CprError::Format)?;
        Ok(Cpr(digits))
    }

    /// The birth date, with the century taken from the seventh digit:
    ///
    /// | 7th digit | yy 00–36 | yy 37–57 | yy 58–99 |
    /// |---|---|---|---|
    /// | 0–3 | 19yy | 19yy | 19yy |
    /// | 4, 9 | 20yy | 19yy | 19yy |
    /// | 5–8 | 20yy | 20yy | 18yy |
    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(self.0.as_bytes()).expect("a Cpr holds a valid date (checked in parse)")
    }

    /// Sex as registered: an odd last digit is male, an even one female.
    pub fn sex(&self) -> Sex {
        let last = self.0.as_bytes()[9] - b'0';
        if last % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Whether the number passes the traditional modulus-11 check. For
    /// information only: numbers issued since 2007 need not pass it.
    pub fn passes_modulus_11(&self) -> bool {
        let sum: u32 = self.0.bytes().zip(MOD11_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        sum % 11 == 0
    }

    /// `ddmmyy-****`: the form shown by default.
    pub fn masked(&self) -> String {
        format!("{}-****", &self.0[..6])
    }

    /// The whole number as `ddmmyy-ssss`. Showing it is an audited action
    /// (docs/design.md §4); never log it.
    pub fn formatted(&self) -> String {
        format!("{}-{}", &self.0[..6], &self.0[6..])
    }
}

impl FromStr for Cpr {
    type Err = CprError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cpr::parse(s)
    }
}

/// The masked form `ddmmyy-****` from a birth date alone (when only the
/// stored birth date is at hand).
pub fn mask_from_birth_date(d: NaiveDate) -> String {
    format!("{:02}{:02}{:02}-****", d.day(), d.month(), d.year().rem_euclid(100))
}

/// Two decimal digits at `i`; the caller has checked they are ASCII digits.
fn two_digits(d: &[u8], i: usize) -> u32 {
    u32::from(d[i] - b'0') * 10 + u32::from(d[i + 1] - b'0')
}

/// The birth date of ten ASCII digits, or `None` when it does not exist.
fn birth_date_of(d: &[u8]) -> Option<NaiveDate> {
    let day = two_digits(d, 0);
    let month = two_digits(d, 2);
    let yy = two_digits(d, 4);
    let century: i32 = match d[6] - b'0' {
        0..=3 => 1900,
        4 | 9 => {
            if yy <= 36 {
                2000
            } else {
                1900
            }
        }
        _ => {
            if yy <= 57 {
                2000
            } else {
                1800
            }
        }
    };
    NaiveDate::from_ymd_opt(century + yy as i32, month, day)
}

code_list! {
    /// Sex as derived from the CPR number.
    pub Sex {
        Female = "female",
        Male = "male",
    }
}

/// A CPR number encrypted under `key_id`: `ciphertext` is the 12-byte nonce
/// followed by the AES-256-GCM ciphertext and its 16-byte tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub ciphertext: Vec<u8>,
}

/// Associated data binding a ciphertext to its purpose and key id.
const AAD_PREFIX: &[u8] = b"medborger:cpr:v1:";

fn aad_for(key_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_PREFIX.len() + key_id.len());
    aad.extend_from_slice(AAD_PREFIX);
    aad.extend_from_slice(key_id.as_bytes());
    aad
}

/// Encrypts, decrypts and hashes CPR numbers with the configured keys.
/// Encryption always uses the active key; decryption accepts any configured
/// key id, so old rows stay readable after a rotation.
#[derive(Clone)]
pub struct CprVault {
    keys: HashMap<String, aead::LessSafeKey>,
    active_key_id: String,
    lookup: hmac::Key,
    rng: SystemRandom,
}

impl fmt::Debug for CprVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<&str> = self.keys.keys().map(String::as_str).collect();
        ids.sort_unstable();
        f.debug_struct("CprVault")
            .field("key_ids", &ids)
            .field("active_key_id", &self.active_key_id)
            .finish_non_exhaustive()
    }
}

impl CprVault {
    pub fn new(keys: &CprKeys) -> anyhow::Result<Self> {
        let mut map = HashMap::with_capacity(keys.encryption.len());
        for (id, key) in &keys.encryption {
            let raw: &[u8; 32] = key.bytes.expose_secret();
            let unbound = aead::UnboundKey::new(&aead::AES_256_GCM, &raw[..])
                .map_err(|_| anyhow!("CPR encryption key {id:?} is not an AES-256 key"))?;
            if map.insert(id.clone(), aead::LessSafeKey::new(unbound)).is_some() {
                bail!("CPR encryption key id {id:?} is configured twice");
            }
        }
        if !map.contains_key(&keys.active_key_id) {
            bail!("the active CPR key id {:?} names no configured key", keys.active_key_id);
        }
        let raw_lookup: &[u8; 32] = keys.lookup.bytes.expose_secret();
        let lookup = hmac::Key::new(hmac::HMAC_SHA256, &raw_lookup[..]);
        Ok(Self { keys: map, active_key_id: keys.active_key_id.clone(), lookup, rng: SystemRandom::new() })
    }

    /// The key id new encryptions use.
    pub fn active_key_id(&self) -> &str {
        &self.active_key_id
    }

    /// Encrypts under the active key with a fresh random nonce.
    pub fn encrypt(&self, cpr: &Cpr) -> anyhow::Result<Sealed> {
        let key = self.keys.get(&self.active_key_id).ok_or_else(|| anyhow!("the active CPR key is missing"))?;
        let mut nonce = [0u8; aead::NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| anyhow!("no randomness for a CPR nonce"))?;
        let mut in_out: Vec<u8> = cpr.0.as_bytes().to_vec();
        key.seal_in_place_append_tag(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(aad_for(&self.active_key_id)),
            &mut in_out,
        )
        .map_err(|_| anyhow!("CPR encryption failed"))?;
        let mut ciphertext = Vec::with_capacity(aead::NONCE_LEN + in_out.len());
        ciphertext.extend_from_slice(&nonce);
        ciphertext.extend_from_slice(&in_out);
        Ok(Sealed { key_id: self.active_key_id.clone(), ciphertext })
    }

    /// Decrypts a ciphertext made by [`CprVault::encrypt`] under any
    /// configured key id. Errors never contain the plaintext.
    /// The whole number of a sealed CPR, formatted `ddmmyy-ssss`.
    pub fn reveal(&self, sealed: &Sealed) -> anyhow::Result<String> {
        Ok(self.decrypt(&sealed.key_id, &sealed.ciphertext)?.formatted())
    }

    pub fn decrypt(&self, key_id: &str, ciphertext: &[u8]) -> anyhow::Result<Cpr> {
        let key = self.keys.get(key_id).ok_or_else(|| anyhow!("unknown CPR key id {key_id:?}"))?;
        if ciphertext.len() < aead::NONCE_LEN + aead::MAX_TAG_LEN {
            bail!("CPR ciphertext is too short");
        }
        let (nonce, sealed) = ciphertext.split_at(aead::NONCE_LEN);
        let nonce =
            aead::Nonce::try_assume_unique_for_key(nonce).map_err(|_| anyhow!("CPR ciphertext has a bad nonce"))?;
        let mut in_out = sealed.to_vec();
        let plain = key
            .open_in_place(nonce, aead::Aad::from(aad_for(key_id)), &mut in_out)
            .map_err(|_| anyhow!("CPR decryption failed (wrong key or altered ciphertext)"))?;
        let text = std::str::from_utf8(plain).map_err(|_| anyhow!("decrypted CPR is not a valid CPR number"))?;
        Cpr::parse(text).map_err(|_| anyhow!("decrypted CPR is not a valid CPR number"))
    }

    /// HMAC-SHA256 (32 bytes) over the ten normalised digits, for exact lookup.
    pub fn lookup_hash(&self, cpr: &Cpr) -> Vec<u8> {
        hmac::sign(&self.lookup, cpr.0.as_bytes()).as_ref().to_vec()
    }

    /// A keyed fingerprint of a request (`Idempotency-Key`), which may hold
    /// a CPR: under the lookup key, apart from CPR hashes by its prefix and
    /// the parts' lengths.
    pub fn fingerprint(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut context = hmac::Context::with_key(&self.lookup);
        context.update(b"medborger idempotency v1\0");
        for part in parts {
            context.update(&(part.len() as u64).to_be_bytes());
            context.update(part);
        }
        context.sign().as_ref().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KeyBytes;
    use secrecy::SecretBox;
    use std::sync::Arc;

    // Only synthetic numbers below.

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn key(fill: u8) -> KeyBytes {
        KeyBytes { bytes: Arc::new(SecretBox::new(Box::new([fill; 32]))), development: true }
    }

    fn keys(ids: &[(&str, u8)], active: &str) -> CprKeys {
        CprKeys {
            encryption: ids.iter().map(|(id, fill)| (id.to_string(), key(*fill))).collect(),
            active_key_id: active.to_string(),
            lookup: key(99),
        }
    }

    fn vault() -> CprVault {
        CprVault::new(&keys(&[("k1", 7)], "k1")).unwrap()
    }

    #[test]
    fn accepts_ten_digits_with_and_without_dash() {
        let a = Cpr::parse("0101901238").unwrap();
        let b = Cpr::parse("010190-1238").unwrap();
        let c = Cpr::parse("  010190-1238\n").unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(a.formatted(), "010190-1238");
        assert_eq!(a.birth_date(), date(1990, 1, 1));
        assert_eq!("010190-1238".parse::<Cpr>().unwrap(), a);
    }

    #[test]
    fn modulus_11_is_informative_only() {
        // 0*4+1*3+0*2+1*7+9*6+0*5 = 64; 1*4+2*3+3*2+8*1 = 24; 88 = 8*11.
        let passes = Cpr::parse("010190-1238").unwrap();
        assert!(passes.passes_modulus_11());
        // 64 + 1*4+2*3+3*2+5*1 = 85, not a multiple of 11: still accepted.
        let fails = Cpr::parse("010190-1235").unwrap();
        assert!(!fails.passes_modulus_11());

        // And over a range, both kinds occur and every one parses.
        let mut pass = 0;
        let mut fail = 0;
        for serial in 1000..1100 {
            let cpr = Cpr::parse(&format!("150385-{serial}")).unwrap();
            let sum: u32 = cpr
                .formatted()
                .replace('-', "")
                .bytes()
                .zip([4, 3, 2, 7, 6, 5, 4, 3, 2, 1])
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum();
            assert_eq!(cpr.passes_modulus_11(), sum % 11 == 0);
            if cpr.passes_modulus_11() {
                pass += 1;
            } else {
                fail += 1;
            }
        }
        assert!(pass > 0 && fail > 0, "pass {pass}, fail {fail}");
    }

    #[test]
    fn refuses_dates_that_do_not_exist() {
        for bad in [
            "310290-1234", // 31 February
            "300290-1234", // 30 February
            "290201-1234", // 1901 is not a leap year
            "290201-4234", // 2001 is not a leap year
            "290200-1234", // 7th digit 1: 1900, not a leap year
            "310490-1234", // 31 April
            "000190-1234", // day 0
            "320190-1234", // day 32
            "011390-1234", // month 13
            "010090-1234", // month 0
        ] {
            assert_eq!(Cpr::parse(bad), Err(CprError::Date), "{bad}");
        }
        // 7th digit 4 and yy 00: 2000, a leap year.
        assert_eq!(Cpr::parse("290200-4234").unwrap().birth_date(), date(2000, 2, 29));
        assert_eq!(Cpr::parse("290296-1234").unwrap().birth_date(), date(1996, 2, 29));
    }

    #[test]
    fn century_from_the_seventh_digit() {
        for (input, year) in [
            // 0–3: always 1900s
            ("010100-0001", 1900),
            ("010136-1001", 1936),
            ("010199-2001", 1999),
            ("010110-3001", 1910),
            // 4: 2000s up to 36, else 1900s
            ("010136-4001", 2036),
            ("010100-4001", 2000),
            ("010137-4001", 1937),
            ("010199-4001", 1999),
            // 9: the same as 4
            ("010110-9001", 2010),
            ("010136-9001", 2036),
            ("010137-9001", 1937),
            ("010150-9001", 1950),
            // 5–8: 2000s up to 57, else 1800s
            ("010157-5001", 2057),
            ("010158-5001", 1858),
            ("010120-6001", 2020),
            ("010199-7001", 1899),
            ("010100-8001", 2000),
            ("010160-8001", 1860),
        ] {
            let cpr = Cpr::parse(input).unwrap();
            assert_eq!(cpr.birth_date(), date(year, 1, 1), "{input}");
        }
    }

    #[test]
    fn refuses_malformed_input() {
        for bad in [
            "",
            " ",
            "01019O-1234", // letter O
            "abcdefghij",
            "010190-123A",
            "010190123",    // 9 digits
            "01019012345",  // 11 digits
            "010190-123",   // 9 digits with dash
            "010190-12345", // 11 digits with dash
            "010190--1234", // two dashes
            "010190-12-34", // two dashes
            "01019-01234",  // dash in the wrong place
            "0101901-234",  // dash in the wrong place
            "-0101901234",
            "0101901234-",
            "010190 1234", // other separator
            "010190/1234",
            "010190.1234",
            "010190–1234",          // en dash
            "０１０１９０１２３４", // full-width digits
            "+010190123",
        ] {
            assert_eq!(Cpr::parse(bad), Err(CprError::Format), "{bad:?}");
        }
    }

    #[test]
    fn error_messages_do_not_echo_the_input() {
        assert_eq!(CprError::Format.to_string(), "must be 10 digits, optionally ddmmyy-ssss");
        assert_eq!(CprError::Date.to_string(), "the first six digits are not a real date");
        let err = Cpr::parse("310290-4321").unwrap_err();
        assert!(!err.to_string().contains("4321"));
        assert!(!format!("{err:?}").contains("310290"));
    }

    #[test]
    fn sex_from_the_last_digit() {
        assert_eq!(Cpr::parse("010190-1231").unwrap().sex(), Sex::Male);
        assert_eq!(Cpr::parse("010190-1239").unwrap().sex(), Sex::Male);
        assert_eq!(Cpr::parse("010190-1230").unwrap().sex(), Sex::Female);
        assert_eq!(Cpr::parse("010190-1238").unwrap().sex(), Sex::Female);
        assert_eq!(Sex::Male.as_str(), "male");
        assert_eq!("female".parse::<Sex>(), Ok(Sex::Female));
        assert!("Female".parse::<Sex>().is_err());
        assert_eq!(serde_json::to_string(&Sex::Male).unwrap(), "\"male\"");
        assert_eq!(serde_json::from_str::<Sex>("\"female\"").unwrap(), Sex::Female);
    }

    #[test]
    fn masking() {
        let cpr = Cpr::parse("0502854321").unwrap();
        assert_eq!(cpr.masked(), "050285-****");
        assert_eq!(cpr.formatted(), "050285-4321");
        assert_eq!(mask_from_birth_date(date(1985, 2, 5)), "050285-****");
        assert_eq!(mask_from_birth_date(date(2003, 11, 30)), "301103-****");
        assert_eq!(mask_from_birth_date(date(1900, 1, 1)), "010100-****");
        assert_eq!(mask_from_birth_date(cpr.birth_date()), cpr.masked());
    }

    #[test]
    fn debug_never_shows_the_serial() {
        let cpr = Cpr::parse("050285-4321").unwrap();
        let debug = format!("{cpr:?}");
        assert_eq!(debug, "Cpr(050285-****)");
        assert!(!debug.contains("4321"));
        let nested = format!("{:?}", Some(vec![cpr.clone()]));
        assert!(!nested.contains("4321"));
        let pretty = format!("{cpr:#?}");
        assert!(!pretty.contains("4321"));
    }

    #[test]
    fn encrypt_then_decrypt() {
        let v = vault();
        let cpr = Cpr::parse("050285-4321").unwrap();
        let sealed = v.encrypt(&cpr).unwrap();
        assert_eq!(sealed.key_id, "k1");
        assert_eq!(sealed.ciphertext.len(), 12 + 10 + 16);
        assert!(!sealed.ciphertext.windows(10).any(|w| w == b"0502854321"));
        assert_eq!(v.decrypt(&sealed.key_id, &sealed.ciphertext).unwrap(), cpr);
    }

    #[test]
    fn two_encryptions_differ() {
        let v = vault();
        let cpr = Cpr::parse("050285-4321").unwrap();
        let a = v.encrypt(&cpr).unwrap();
        let b = v.encrypt(&cpr).unwrap();
        assert_ne!(a.ciphertext, b.ciphertext);
        assert_ne!(&a.ciphertext[..12], &b.ciphertext[..12]);
        assert_eq!(v.decrypt("k1", &a.ciphertext).unwrap(), cpr);
        assert_eq!(v.decrypt("k1", &b.ciphertext).unwrap(), cpr);
    }

    #[test]
    fn altered_ciphertext_is_refused() {
        let v = vault();
        let cpr = Cpr::parse("050285-4321").unwrap();
        let sealed = v.encrypt(&cpr).unwrap();
        for i in 0..sealed.ciphertext.len() {
            let mut bad = sealed.ciphertext.clone();
            bad[i] ^= 0x01;
            let err = v.decrypt("k1", &bad).unwrap_err();
            let text = format!("{err:#} {err:?}");
            assert!(!text.contains("4321"), "{text}");
        }
        // Truncated and empty.
        assert!(v.decrypt("k1", &sealed.ciphertext[..sealed.ciphertext.len() - 1]).is_err());
        assert!(v.decrypt("k1", &sealed.ciphertext[..20]).is_err());
        assert!(v.decrypt("k1", &[]).is_err());
        // Unknown key id.
        assert!(v.decrypt("nope", &sealed.ciphertext).is_err());
    }

    #[test]
    fn rotation_keeps_old_ciphertexts_readable() {
        let old = CprVault::new(&keys(&[("k1", 7)], "k1")).unwrap();
        let cpr = Cpr::parse("050285-4321").unwrap();
        let sealed_old = old.encrypt(&cpr).unwrap();

        let rotated = CprVault::new(&keys(&[("k1", 7), ("k2", 8)], "k2")).unwrap();
        assert_eq!(rotated.active_key_id(), "k2");
        assert_eq!(rotated.decrypt("k1", &sealed_old.ciphertext).unwrap(), cpr);

        let sealed_new = rotated.encrypt(&cpr).unwrap();
        assert_eq!(sealed_new.key_id, "k2");
        assert_eq!(rotated.decrypt("k2", &sealed_new.ciphertext).unwrap(), cpr);
        // A ciphertext does not open under another key id (key and AAD differ).
        assert!(rotated.decrypt("k2", &sealed_old.ciphertext).is_err());
        assert!(rotated.decrypt("k1", &sealed_new.ciphertext).is_err());
        // The old vault does not know the new key.
        assert!(old.decrypt("k2", &sealed_new.ciphertext).is_err());
    }

    #[test]
    fn the_key_id_is_bound_into_the_ciphertext() {
        // Same key bytes under two ids: the AAD still tells them apart.
        let v = CprVault::new(&keys(&[("a", 7), ("b", 7)], "a")).unwrap();
        let cpr = Cpr::parse("050285-4321").unwrap();
        let sealed = v.encrypt(&cpr).unwrap();
        assert!(v.decrypt("a", &sealed.ciphertext).is_ok());
        assert!(v.decrypt("b", &sealed.ciphertext).is_err());
    }

    #[test]
    fn vault_refuses_bad_configuration() {
        assert!(CprVault::new(&keys(&[("k1", 7)], "k2")).is_err());
        assert!(CprVault::new(&keys(&[("k1", 7), ("k1", 8)], "k1")).is_err());
        let debug = format!("{:?}", vault());
        assert!(debug.contains("k1"));
        assert!(!debug.contains("7, 7"));
    }

    #[test]
    fn lookup_hash_is_deterministic_and_keyed() {
        let v = vault();
        let a = Cpr::parse("050285-4321").unwrap();
        let b = Cpr::parse("050285-4323").unwrap();
        let h = v.lookup_hash(&a);
        assert_eq!(h.len(), 32);
        assert_eq!(h, v.lookup_hash(&Cpr::parse("0502854321").unwrap()));
        assert_ne!(h, v.lookup_hash(&b));
        // Another vault with the same lookup key agrees (independent of the
        // encryption keys); a different lookup key does not.
        let other = CprVault::new(&keys(&[("x", 1)], "x")).unwrap();
        assert_eq!(h, other.lookup_hash(&a));
        let mut different = keys(&[("k1", 7)], "k1");
        different.lookup = key(98);
        assert_ne!(h, CprVault::new(&different).unwrap().lookup_hash(&a));
    }
}
