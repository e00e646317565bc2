package storage

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"ticketbook/core"
)

// A backup is one zip file: manifest.json, the database snapshot and the
// attachments folder. Zip rather than tar because its central directory lets
// Verify find the manifest without reading the whole file, and because a
// user can open it with any tool if Ticketbook itself is gone.
const (
	BackupFormat  = "ticketbook-backup"
	BackupVersion = 1
	BackupExt     = ".tbbackup"
	// DBFileName is the database's name inside a data folder and a backup.
	DBFileName = "ticketbook.db"
	// DefaultKeep is how many rotated backups are kept.
	DefaultKeep = 10

	manifestEntry  = "manifest.json"
	attachmentsDir = "attachments"
	backupsDir     = "backups"
	// maxManifest bounds what Verify reads before it trusts the file.
	maxManifest = 16 << 20
)

// Kinds of refusal; each comes wrapped in a core.Problem with the sentence
// in both languages, so the CLI exits 2 and the UI shows it as the user's.
var (
	ErrBadBackup     = errors.New("backup is damaged")
	ErrForeignBackup = errors.New("not a Ticketbook backup")
	ErrDamagedDB     = errors.New("database is damaged")
	ErrDBInUse       = errors.New("database is in use")
)

// BackupFile is one file in a backup, as the manifest records it.
type BackupFile struct {
	Name   string `json:"name"` // slash-separated path inside the archive
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// BackupCounts says what a backup holds, so a user can recognise it before
// restoring it.
type BackupCounts struct {
	Vehicles    int `json:"vehicles"`
	People      int `json:"people"`
	Violations  int `json:"violations"`
	Payments    int `json:"payments"`
	Attachments int `json:"attachments"`
}

type Manifest struct {
	Format   string       `json:"format"`
	Version  int          `json:"version"`
	Created  time.Time    `json:"created"`
	Schema   int          `json:"schema"`
	DBSHA256 string       `json:"db_sha256"`
	Counts   BackupCounts `json:"counts"`
	Files    []BackupFile `json:"files"`
}

// Size is the total of the files' sizes (before compression).
func (m Manifest) Size() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

func problem(kind error, en, zh string) error {
	return &core.Problem{Kind: kind, En: en, Zh: zh}
}

// Backup writes a backup of s and the attachments under dataDir to out. It
// works while the app is running: the snapshot is taken with VACUUM INTO,
// which reads one consistent version of the database. progress, if not nil,
// is called after each file.
func Backup(ctx context.Context, s *Store, dataDir, out string, progress func(done, total int)) (Manifest, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return Manifest{}, err
	}
	outDir := filepath.Dir(out)
	if err := os.MkdirAll(outDir, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("storage: backup: %w", err)
	}
	// The snapshot holds ID numbers: MkdirTemp makes the folder 0700 so it
	// is never readable by others, whatever mode SQLite gives the file.
	work, err := os.MkdirTemp(outDir, ".backup-*")
	if err != nil {
		return Manifest{}, fmt.Errorf("storage: backup: %w", err)
	}
	defer os.RemoveAll(work)
	snap := filepath.Join(work, DBFileName)
	// On the writer, because the read pool is query_only, which refuses
	// VACUUM INTO. Other writes of this process wait for the connection
	// meanwhile; readers do not (WAL).
	if _, err := s.writer.ExecContext(ctx, `VACUUM INTO ?`, snap); err != nil {
		return Manifest{}, fmt.Errorf("storage: backup snapshot: %w", err)
	}
	if err := os.Chmod(snap, 0o600); err != nil {
		return Manifest{}, err
	}
	m := Manifest{Format: BackupFormat, Version: BackupVersion, Created: time.Now().UTC().Truncate(time.Second)}
	// A backup of a damaged database would rotate the good ones away.
	if err := IntegrityCheck(ctx, snap); err != nil {
		return Manifest{}, err
	}
	if m.Schema, m.Counts, err = describe(ctx, snap); err != nil {
		return Manifest{}, err
	}
	// Listed after the snapshot: a photo's file is written before the row
	// that links it, so every attachment the snapshot refers to is there.
	atts, err := listAttachments(filepath.Join(dataDir, attachmentsDir))
	if err != nil {
		return Manifest{}, err
	}
	m.Counts.Attachments = len(atts)
	total := 1 + len(atts)

	tmp, err := os.CreateTemp(outDir, ".tmp-*"+BackupExt) // 0600
	if err != nil {
		return Manifest{}, err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	zw := zip.NewWriter(tmp)
	fail := func(err error) (Manifest, error) {
		zw.Close()
		tmp.Close()
		return Manifest{}, err
	}
	f, err := addFile(zw, DBFileName, snap, zip.Deflate, m.Created)
	if err != nil {
		return fail(err)
	}
	m.DBSHA256 = f.SHA256
	m.Files = append(m.Files, f)
	progress(1, total)
	for i, rel := range atts {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		// Photos are already compressed; deflating them again costs time for nothing.
		f, err := addFile(zw, attachmentsDir+"/"+rel, filepath.Join(dataDir, attachmentsDir, filepath.FromSlash(rel)), zip.Store, m.Created)
		if err != nil {
			return fail(err)
		}
		m.Files = append(m.Files, f)
		progress(2+i, total)
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fail(err)
	}
	w, err := zw.CreateHeader(header(manifestEntry, zip.Deflate, m.Created))
	if err == nil {
		_, err = w.Write(mj)
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Manifest{}, fmt.Errorf("storage: backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return Manifest{}, fmt.Errorf("storage: backup: %w", err)
	}
	syncDir(outDir)
	return m, nil
}

func header(name string, method uint16, mod time.Time) *zip.FileHeader {
	h := &zip.FileHeader{Name: name, Method: method, Modified: mod}
	h.SetMode(0o600)
	return h
}

func addFile(zw *zip.Writer, name, src string, method uint16, mod time.Time) (BackupFile, error) {
	f, err := os.Open(src)
	if err != nil {
		return BackupFile{}, err
	}
	defer f.Close()
	w, err := zw.CreateHeader(header(name, method, mod))
	if err != nil {
		return BackupFile{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), f)
	if err != nil {
		return BackupFile{}, fmt.Errorf("storage: backup %s: %w", name, err)
	}
	return BackupFile{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// listAttachments returns the attachment files under dir as slash paths
// relative to it; a missing folder means none yet.
func listAttachments(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll
			}
			return err
		}
		// .tmp- files are Blobs.Put writes in flight, not attachments yet.
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}

// openRO opens a database file read-only for checks; it never creates one.
func openRO(path string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(abs, "mode=ro", "_pragma=busy_timeout(5000)", "_pragma=query_only(1)"))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// describe reads the schema version and the record counts of a snapshot.
func describe(ctx context.Context, path string) (int, BackupCounts, error) {
	db, err := openRO(path)
	if err != nil {
		return 0, BackupCounts{}, err
	}
	defer db.Close()
	var c BackupCounts
	var schema int
	err = db.QueryRowContext(ctx, `SELECT
		(SELECT coalesce(max(version), 0) FROM schema_migrations),
		(SELECT count(*) FROM vehicles), (SELECT count(*) FROM people),
		(SELECT count(*) FROM violations), (SELECT count(*) FROM payments)`).
		Scan(&schema, &c.Vehicles, &c.People, &c.Violations, &c.Payments)
	if err != nil {
		return 0, BackupCounts{}, fmt.Errorf("storage: backup: read snapshot: %w", err)
	}
	return schema, c, nil
}

// knownSchema is the newest schema this build can open.
func knownSchema() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// Verify reads the whole backup and checks it against its manifest. It
// refuses, with one sentence in each language, a damaged or incomplete
// file (ErrBadBackup), a file that is not a Ticketbook backup
// (ErrForeignBackup) and a backup of a newer schema (ErrNewerSchema).
func Verify(archive string) (Manifest, error) {
	zr, f, m, err := openBackup(archive)
	if err != nil {
		return Manifest{}, err
	}
	defer f.Close()
	name := filepath.Base(archive)
	for _, bf := range m.Files {
		zf := zr[bf.Name]
		rc, err := zf.Open()
		if err != nil {
			return Manifest{}, damaged(name, "cannot read "+bf.Name, "无法读取 "+bf.Name)
		}
		h := sha256.New()
		n, err := io.Copy(h, rc)
		rc.Close()
		if err != nil || n != bf.Size || hex.EncodeToString(h.Sum(nil)) != bf.SHA256 {
			return Manifest{}, damaged(name, bf.Name+" does not match its checksum", bf.Name+" 与校验值不符")
		}
	}
	return m, nil
}

func damaged(name, en, zh string) error {
	return problem(ErrBadBackup,
		fmt.Sprintf("backup %s is damaged or incomplete (%s); use another backup", name, en),
		fmt.Sprintf("备份 %s 已损坏或不完整（%s），请使用其他备份", name, zh))
}

func foreign(name, en, zh string) error {
	return problem(ErrForeignBackup,
		fmt.Sprintf("%s is not a Ticketbook backup (%s)", name, en),
		fmt.Sprintf("%s 不是 Ticketbook 备份（%s）", name, zh))
}

// openBackup opens the archive and checks the manifest and the list of
// entries, but not the files' contents. The caller closes the file.
func openBackup(archive string) (map[string]*zip.File, *os.File, Manifest, error) {
	name := filepath.Base(archive)
	f, err := os.Open(archive)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, Manifest{}, core.NotFound("file", fmt.Sprintf("there is no file %s", archive), fmt.Sprintf("文件 %s 不存在", archive))
		}
		return nil, nil, Manifest{}, err
	}
	m, files, err := readBackup(f, name)
	if err != nil {
		f.Close()
		return nil, nil, Manifest{}, err
	}
	return files, f, m, nil
}

func readBackup(f *os.File, name string) (Manifest, map[string]*zip.File, error) {
	fi, err := f.Stat()
	if err != nil {
		return Manifest{}, nil, err
	}
	var magic [4]byte
	if n, _ := io.ReadFull(f, magic[:]); n == 0 {
		return Manifest{}, nil, damaged(name, "the file is empty", "文件为空")
	}
	if string(magic[:]) != "PK\x03\x04" {
		return Manifest{}, nil, foreign(name, "not a zip archive", "不是 zip 压缩包")
	}
	zr, err := zip.NewReader(f, fi.Size())
	if err != nil {
		// A zip whose end is missing: a copy that stopped part way.
		return Manifest{}, nil, damaged(name, "the archive is truncated or unreadable", "压缩包被截断或无法读取")
	}
	files := map[string]*zip.File{}
	for _, zf := range zr.File {
		files[zf.Name] = zf
	}
	mf, ok := files[manifestEntry]
	if !ok {
		return Manifest{}, nil, foreign(name, "no manifest.json", "缺少 manifest.json")
	}
	if mf.UncompressedSize64 > maxManifest {
		return Manifest{}, nil, damaged(name, "manifest.json is too large", "manifest.json 过大")
	}
	rc, err := mf.Open()
	if err != nil {
		return Manifest{}, nil, damaged(name, "cannot read manifest.json", "无法读取 manifest.json")
	}
	body, err := io.ReadAll(io.LimitReader(rc, maxManifest))
	rc.Close()
	if err != nil {
		return Manifest{}, nil, damaged(name, "cannot read manifest.json", "无法读取 manifest.json")
	}
	var m Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		return Manifest{}, nil, foreign(name, "manifest.json is not ours", "manifest.json 格式不符")
	}
	if m.Format != BackupFormat {
		return Manifest{}, nil, foreign(name, fmt.Sprintf("format %q", m.Format), fmt.Sprintf("格式为“%s”", m.Format))
	}
	if m.Version < 1 || m.Version > BackupVersion {
		return Manifest{}, nil, problem(ErrForeignBackup,
			fmt.Sprintf("%s is a backup of format %d, which this Ticketbook cannot read; update Ticketbook to restore it", name, m.Version),
			fmt.Sprintf("%s 的备份格式为 %d，当前版本无法读取，请升级 Ticketbook 后再恢复", name, m.Version))
	}
	if know := knownSchema(); m.Schema > know {
		return Manifest{}, nil, problem(ErrNewerSchema,
			fmt.Sprintf("%s was made by a newer Ticketbook (schema %d, this version knows up to %d); update Ticketbook to restore it", name, m.Schema, know),
			fmt.Sprintf("%s 由更新版本的 Ticketbook 生成（数据结构 %d，当前版本最高支持 %d），请升级后再恢复", name, m.Schema, know))
	}
	listed := map[string]bool{manifestEntry: true}
	hasDB := false
	for _, bf := range m.Files {
		if !safeEntry(bf.Name) || listed[bf.Name] {
			return Manifest{}, nil, damaged(name, "bad file name "+strconv.Quote(bf.Name), "文件名异常 "+strconv.Quote(bf.Name))
		}
		listed[bf.Name] = true
		zf, ok := files[bf.Name]
		if !ok {
			return Manifest{}, nil, damaged(name, bf.Name+" is missing", "缺少 "+bf.Name)
		}
		if zf.UncompressedSize64 != uint64(bf.Size) {
			return Manifest{}, nil, damaged(name, bf.Name+" has the wrong size", bf.Name+" 大小不符")
		}
		if bf.Name == DBFileName {
			hasDB = bf.SHA256 == m.DBSHA256
		}
	}
	if !hasDB {
		return Manifest{}, nil, damaged(name, "the database is missing", "缺少数据库")
	}
	for n := range files {
		if !listed[n] {
			return Manifest{}, nil, damaged(name, strconv.Quote(n)+" is not in the manifest", strconv.Quote(n)+" 不在清单中")
		}
	}
	return m, files, nil
}

// safeEntry accepts only the names a backup writes, so extracting can never
// reach outside the staging folder.
func safeEntry(name string) bool {
	if name == DBFileName {
		return true
	}
	rest, ok := strings.CutPrefix(name, attachmentsDir+"/")
	return ok && rest != "" && path.Clean(name) == name && !strings.Contains(name, "\\") &&
		!slices.Contains(strings.Split(rest, "/"), "..") && !strings.HasPrefix(rest, "/")
}

// RestoreResult says what was restored and where the data it replaced went.
type RestoreResult struct {
	Manifest Manifest `json:"manifest"`
	DBPath   string   `json:"db"`
	// SetAside are the previous database, WAL and attachments folder, renamed
	// with a .before-restore-<time> suffix; nothing is deleted.
	SetAside []string `json:"set_aside"`
}

// Restore restores archive into dataDir (database DBFileName). See RestoreTo.
func Restore(ctx context.Context, archive, dataDir string) (RestoreResult, error) {
	return RestoreTo(ctx, archive, filepath.Join(dataDir, DBFileName))
}

// RestoreTo verifies archive, extracts it beside dbPath, checks the restored
// database's integrity and only then swaps it in: the current database, its
// WAL and the attachments folder are renamed aside, the restored ones moved
// in. The caller must have closed its Store; a database still open
// elsewhere is refused with ErrDBInUse.
func RestoreTo(ctx context.Context, archive, dbPath string) (RestoreResult, error) {
	m, err := Verify(archive)
	if err != nil {
		return RestoreResult{}, err
	}
	dbPath, err = filepath.Abs(dbPath)
	if err != nil {
		return RestoreResult{}, err
	}
	dataDir := filepath.Dir(dbPath)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return RestoreResult{}, err
	}
	stage, err := os.MkdirTemp(dataDir, ".restore-*")
	if err != nil {
		return RestoreResult{}, err
	}
	defer os.RemoveAll(stage)
	if err := extract(ctx, archive, m, stage); err != nil {
		return RestoreResult{}, err
	}
	staged := filepath.Join(stage, DBFileName)
	if err := fullCheck(ctx, staged); err != nil {
		return RestoreResult{}, damaged(filepath.Base(archive), "the database fails its integrity check", "数据库未通过完整性检查")
	}
	if err := checkNotInUse(ctx, dbPath); err != nil {
		return RestoreResult{}, err
	}

	res := RestoreResult{Manifest: m, DBPath: dbPath}
	stamp := ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
	type move struct{ from, to string }
	var done []move
	undo := func() {
		for i := len(done) - 1; i >= 0; i-- {
			os.Rename(done[i].to, done[i].from)
		}
	}
	mv := func(from, to string) error {
		if err := os.Rename(from, to); err != nil {
			undo()
			return fmt.Errorf("storage: restore: %w", err)
		}
		done = append(done, move{from, to})
		return nil
	}
	// The old WAL must go with the old database: SQLite would otherwise
	// replay it into the restored file and corrupt it.
	attDir := filepath.Join(dataDir, attachmentsDir)
	for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-shm", dbPath + "-journal", attDir} {
		if _, err := os.Lstat(p); err != nil {
			continue
		}
		if err := mv(p, p+stamp); err != nil {
			return RestoreResult{}, err
		}
		res.SetAside = append(res.SetAside, p+stamp)
	}
	if err := mv(staged, dbPath); err != nil {
		return RestoreResult{}, err
	}
	if _, err := os.Stat(filepath.Join(stage, attachmentsDir)); err == nil {
		if err := mv(filepath.Join(stage, attachmentsDir), attDir); err != nil {
			return RestoreResult{}, err
		}
	}
	syncDir(dataDir)
	return res, nil
}

func extract(ctx context.Context, archive string, m Manifest, stage string) error {
	files, f, _, err := openBackup(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, bf := range m.Files {
		if err := ctx.Err(); err != nil {
			return err
		}
		dst := filepath.Join(stage, filepath.FromSlash(bf.Name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		// Hashed again while writing: the archive may have changed since
		// Verify read it.
		if err := extractOne(files[bf.Name], dst, bf, filepath.Base(archive)); err != nil {
			return err
		}
	}
	return nil
}

func extractOne(zf *zip.File, dst string, bf BackupFile, name string) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(out, h), rc)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("storage: restore %s: %w", bf.Name, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != bf.SHA256 {
		return damaged(name, bf.Name+" does not match its checksum", bf.Name+" 与校验值不符")
	}
	return nil
}

// checkNotInUse refuses to replace a database another connection has open:
// its owner would go on writing to the file set aside, and those writes
// would be lost. An exclusive lock cannot be had while anyone holds it.
func checkNotInUse(ctx context.Context, dbPath string) error {
	if _, err := os.Stat(dbPath); err != nil {
		return nil
	}
	db, err := sql.Open("sqlite", dsn(dbPath, "_pragma=busy_timeout(0)", "_pragma=locking_mode(EXCLUSIVE)"))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `BEGIN EXCLUSIVE; COMMIT`)
	if sqliteCode(err)&0xff == sqlite3.SQLITE_BUSY {
		return problem(ErrDBInUse,
			"the database is open in Ticketbook or another program; close it, then restore again",
			"数据库正被 Ticketbook 或其他程序使用，请先关闭后再恢复")
	}
	// A current database too damaged to lock is being replaced anyway.
	return nil
}

// IntegrityCheck opens the database at path read-only and runs PRAGMA
// quick_check; a damaged file gives ErrDamagedDB. A missing file is not
// damaged: it is a first start.
func IntegrityCheck(ctx context.Context, path string) error {
	return check(ctx, path, "quick_check")
}

func fullCheck(ctx context.Context, path string) error { return check(ctx, path, "integrity_check") }

func check(ctx context.Context, path, pragma string) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	db, err := openRO(path)
	if err != nil {
		return err
	}
	defer db.Close()
	var lines []string
	rows, err := db.QueryContext(ctx, `PRAGMA `+pragma)
	if err == nil {
		for rows.Next() && len(lines) < 5 {
			var s string
			if err = rows.Scan(&s); err != nil {
				break
			}
			lines = append(lines, s)
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		code := sqliteCode(err) & 0xff
		if code != sqlite3.SQLITE_CORRUPT && code != sqlite3.SQLITE_NOTADB {
			return fmt.Errorf("storage: check %s: %w", filepath.Base(path), err)
		}
		lines = []string{err.Error()}
	}
	if len(lines) == 1 && lines[0] == "ok" {
		return nil
	}
	detail := strings.Join(lines, "; ")
	return problem(ErrDamagedDB,
		fmt.Sprintf("the database %s is damaged (%s); restore a backup", path, detail),
		fmt.Sprintf("数据库 %s 已损坏（%s），请恢复备份", path, detail))
}

// DamagedError is what StartupCheck finds: a damaged database and the
// newest backup that verifies, for the window to offer.
type DamagedError struct {
	Err    error  // the ErrDamagedDB problem
	Backup string // "" when no backup verifies
}

func (d *DamagedError) Error() string { return d.Message("en") }
func (d *DamagedError) Unwrap() error { return d.Err }

func (d *DamagedError) Message(lang string) string {
	var p *core.Problem
	msg := d.Err.Error()
	if errors.As(d.Err, &p) {
		msg = p.Message(lang)
	}
	zh := strings.HasPrefix(strings.ToLower(lang), "zh")
	switch {
	case d.Backup == "" && zh:
		return msg + "；没有找到可用的备份"
	case d.Backup == "":
		return msg + "; no good backup was found"
	case zh:
		return fmt.Sprintf("%s；最新的完好备份为 %s，关闭 Ticketbook 后运行：ticketbook restore %q", msg, d.Backup, d.Backup)
	}
	return fmt.Sprintf("%s; the newest good backup is %s: close Ticketbook, then run: ticketbook restore %q", msg, d.Backup, d.Backup)
}

// StartupCheck is the check before opening the database at start: nil when
// it is sound (or does not exist yet), a *DamagedError naming the last good
// backup when it is damaged. It must run before Open, whose migrations would
// write into a damaged file.
func StartupCheck(ctx context.Context, dbPath string) error {
	err := IntegrityCheck(ctx, dbPath)
	if !errors.Is(err, ErrDamagedDB) {
		return err
	}
	b, _ := LastGoodBackup(filepath.Dir(dbPath))
	return &DamagedError{Err: err, Backup: b}
}

// BackupsDir is where rotated backups live.
func BackupsDir(dataDir string) string { return filepath.Join(dataDir, backupsDir) }

const stampLayout = "20060102T150405Z"

// BackupToFolder writes a new backup into the backups folder and deletes
// all but the newest keep (DefaultKeep when keep <= 0).
func BackupToFolder(ctx context.Context, s *Store, dataDir string, keep int, progress func(done, total int)) (string, Manifest, error) {
	dir := BackupsDir(dataDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", Manifest{}, err
	}
	stamp := time.Now().UTC().Format(stampLayout)
	out := filepath.Join(dir, "ticketbook-"+stamp+BackupExt)
	// Several backups in one second get a sequence number above every
	// existing one, so the name order stays the age order for rotation.
	seq := 0
	for _, b := range rotated(dir) {
		if b.stamp == stamp {
			seq = max(seq, b.seq)
		}
	}
	if seq > 0 {
		out = filepath.Join(dir, fmt.Sprintf("ticketbook-%s-%d%s", stamp, seq+1, BackupExt))
	}
	m, err := Backup(ctx, s, dataDir, out, progress)
	if err != nil {
		return "", Manifest{}, err
	}
	if keep <= 0 {
		keep = DefaultKeep
	}
	list := rotated(dir)
	for _, old := range list[min(keep, len(list)):] {
		os.Remove(old.path)
	}
	return out, m, nil
}

// AutoBackup is the daily backup: it does nothing when a backup of today
// (UTC) already exists, else it is BackupToFolder. It returns the new
// file's path, or "" when it skipped.
func AutoBackup(ctx context.Context, s *Store, dataDir string, keep int) (string, error) {
	today := time.Now().UTC().Format(stampLayout)[:8]
	for _, b := range rotated(BackupsDir(dataDir)) {
		if b.stamp[:8] == today {
			return "", nil
		}
	}
	p, _, err := BackupToFolder(ctx, s, dataDir, keep, nil)
	return p, err
}

type rotatedBackup struct {
	path  string
	stamp string
	seq   int
}

// rotated lists the rotated backups in dir, newest first.
func rotated(dir string) []rotatedBackup {
	entries, _ := os.ReadDir(dir)
	var out []rotatedBackup
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), BackupExt)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		name, ok = strings.CutPrefix(name, "ticketbook-")
		if !ok || len(name) < len(stampLayout) {
			continue
		}
		stamp, rest := name[:len(stampLayout)], name[len(stampLayout):]
		if _, err := time.Parse(stampLayout, stamp); err != nil {
			continue
		}
		seq := 1
		if rest != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(rest, "-"))
			if err != nil || !strings.HasPrefix(rest, "-") {
				continue
			}
			seq = n
		}
		out = append(out, rotatedBackup{filepath.Join(dir, e.Name()), stamp, seq})
	}
	slices.SortFunc(out, func(a, b rotatedBackup) int {
		if c := strings.Compare(b.stamp, a.stamp); c != 0 {
			return c
		}
		return b.seq - a.seq
	})
	return out
}

// LastGoodBackup is the newest rotated backup that verifies, for the
// start-up check to offer when the database is damaged.
func LastGoodBackup(dataDir string) (string, bool) {
	for _, b := range rotated(BackupsDir(dataDir)) {
		if _, err := Verify(b.path); err == nil {
			return b.path, true
		}
	}
	return "", false
}

// syncDir makes a rename durable; it is best effort because some platforms
// cannot open a directory for syncing.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
