//! Seeded randomness (SplitMix64): IDs, tokens, fault draws and trace IDs are all reproducible for
//! a given fixture and seed, so a failing run can be replayed.

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self { state: seed ^ 0x9E37_79B9_7F4A_7C15 }
    }

    /// Derives an independent stream, so fault draws do not shift the IDs of created objects.
    pub fn fork(&mut self, salt: u64) -> Self {
        Self::new(self.next_u64() ^ salt.wrapping_mul(0xD6E8_FEB8_6659_FD93))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// A numeric Graph ID with the given number of digits and a fixed leading prefix.
    pub fn numeric_id(&mut self, prefix: &str, digits: usize) -> String {
        let mut s = String::with_capacity(prefix.len() + digits);
        s.push_str(prefix);
        for _ in 0..digits {
            s.push(char::from(b'0' + self.below(10) as u8));
        }
        s
    }

    pub fn alnum(&mut self, len: usize) -> String {
        (0..len).map(|_| char::from(ALNUM[self.below(ALNUM.len() as u64) as usize])).collect()
    }

    /// A fake token shaped like Meta's: `EAA` + app marker + ~190 alphanumerics + `ZDZD`.
    /// It carries no information; the emulator looks tokens up.
    pub fn token(&mut self) -> String {
        format!("EAA{}{}ZDZD", self.alnum(3), self.alnum(190))
    }

    pub fn fbtrace_id(&mut self) -> String {
        format!("A{}", self.alnum(22))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_token_shaped() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.token(), b.token());
        let t = a.token();
        assert!(t.starts_with("EAA") && t.len() > 150);
        assert_ne!(Rng::new(8).token(), Rng::new(7).token());
        let id = a.numeric_id("1000", 11);
        assert_eq!(id.len(), 15);
    }
}
