//! Diagnostic: what the raw zbus Secret Service store returns on this machine.
use std::collections::HashMap;
fn main() {
    let t = std::time::Instant::now();
    let store = match zbus_secret_service_keyring_store::Store::new() {
        Ok(s) => s,
        Err(e) => {
            println!("Store::new error after {:?}: {e:?}", t.elapsed());
            return;
        }
    };
    println!("connected after {:?}", t.elapsed());
    use keyring_core::api::CredentialStoreApi;
    let entry = store.build("dev.gatehouse.rawprobe", "probe-user", Some(&HashMap::new())).unwrap();
    println!("get: {:?}", entry.get_password().map(|_| "***"));
    println!("set after {:?}: {:?}", t.elapsed(), entry.set_password("v"));
    println!("get after {:?}: {:?}", t.elapsed(), entry.get_password().map(|_| "***"));
    println!("delete after {:?}: {:?}", t.elapsed(), entry.delete_credential());
}
