//! Files that appear whole or not at all: written under a hidden temporary name in the bulk
//! folder, flushed to disk, then renamed over the old file. A download that opened the old
//! file keeps reading it; a new download sees the new one; nobody sees half a file.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};

/// Prefix of every temporary name, so leftovers of a crash are easy to find and remove.
pub const TEMP_PREFIX: &str = ".tmp-";

/// A file being written under a temporary name; removed on drop unless installed.
#[derive(Debug)]
pub struct TempFile {
    file: File,
    temp: PathBuf,
    target: PathBuf,
    installed: bool,
}

/// What is known about a file once it is on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFacts {
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    /// Modification time, nanoseconds since 1970 (kept by the rename).
    pub modified_nanos: u64,
}

impl TempFile {
    /// A new, empty temporary file that will replace `dir/name`.
    pub fn create(dir: &Path, name: &str) -> io::Result<TempFile> {
        let temp = dir.join(format!(
            "{TEMP_PREFIX}{}-{name}",
            hex::encode(rand::random::<[u8; 6]>())
        ));
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&temp)?;
        Ok(TempFile {
            file,
            temp,
            target: dir.join(name),
            installed: false,
        })
    }

    /// Copies the first `len` bytes of `source` in and returns their SHA-256, so the caller
    /// can check that the file it appends to is still the one its manifest describes.
    pub fn copy_prefix(&mut self, source: &Path, len: u64) -> io::Result<[u8; 32]> {
        let mut reader = File::open(source)?.take(len);
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 1 << 20];
        let mut copied = 0u64;
        loop {
            let n = reader.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            self.file.write_all(&buffer[..n])?;
            copied += n as u64;
        }
        if copied != len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{} is shorter than its manifest says", source.display()),
            ));
        }
        Ok(hasher.finalize().into())
    }

    /// Flushes the bytes to disk and measures them; the file is not visible yet.
    pub fn finish(mut self) -> io::Result<Prepared> {
        self.file.flush()?;
        self.file.sync_all()?;
        self.file.seek(SeekFrom::Start(0))?;
        let sha256 = sha256_of(&mut self.file)?;
        let metadata = self.file.metadata()?;
        let facts = FileFacts {
            size: metadata.len(),
            sha256,
            modified_nanos: modified_nanos(&metadata),
        };
        Ok(Prepared { temp: self, facts })
    }
}

impl Write for TempFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Seek for TempFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.file.seek(pos)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.installed {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// A complete file on disk under its temporary name, waiting to be renamed into place.
#[derive(Debug)]
pub struct Prepared {
    temp: TempFile,
    /// Its size, hash and modification time.
    pub facts: FileFacts,
}

impl Prepared {
    /// The name it will have.
    pub fn name(&self) -> String {
        self.temp
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Renames it over the old file: one atomic step on POSIX file systems.
    pub fn install(mut self) -> io::Result<FileFacts> {
        std::fs::rename(&self.temp.temp, &self.temp.target)?;
        self.temp.installed = true;
        Ok(self.facts)
    }
}

/// Makes the renames in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Removes temporary files left by an interrupted refresh.
pub fn remove_leftovers(dir: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(path)?;
            } else {
                std::fs::remove_file(path)?;
            }
        }
    }
    Ok(())
}

/// Lower-case hex SHA-256 of everything `reader` yields.
pub fn sha256_of(reader: impl Read) -> io::Result<String> {
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut hasher = Sha256::new();
    io::copy(&mut reader, &mut HashWriter(&mut hasher))?;
    Ok(hex::encode(hasher.finalize()))
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A file's modification time in nanoseconds since 1970 (0 when the system cannot tell).
pub fn modified_nanos(metadata: &std::fs::Metadata) -> u64 {
    metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_temporary_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut temp = TempFile::create(dir.path(), "a.txt").unwrap();
        temp.write_all(b"half").unwrap();
        drop(temp);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn installing_replaces_the_old_file_and_reports_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"old").unwrap();
        let mut temp = TempFile::create(dir.path(), "a.txt").unwrap();
        temp.write_all(b"new bytes").unwrap();
        let facts = temp.finish().unwrap().install().unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("a.txt")).unwrap(),
            b"new bytes"
        );
        assert_eq!(facts.size, 9);
        assert_eq!(
            facts.sha256,
            hex::encode(Sha256::digest(b"new bytes")),
            "the hash covers the bytes on disk"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_prefix_copy_refuses_a_file_shorter_than_expected() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("src"), b"abc").unwrap();
        let mut temp = TempFile::create(dir.path(), "dst").unwrap();
        assert!(temp.copy_prefix(&dir.path().join("src"), 5).is_err());
        let mut temp = TempFile::create(dir.path(), "dst2").unwrap();
        let hash = temp.copy_prefix(&dir.path().join("src"), 2).unwrap();
        assert_eq!(hash, <[u8; 32]>::from(Sha256::digest(b"ab")));
    }
}
