; Inno Setup script: the Windows installer for the one-folder bundle.
; Saved as UTF-8 with a byte-order mark: only then does ISCC read the Chinese names right.
;
; Build on Windows (Inno Setup 6), after building the bundle there:
;   .venv\Scripts\pyinstaller --noconfirm build.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\workstation.iss
; Output: dist\township-workstation-0.1.0-setup.exe
;
; What it does: copies dist\workstation\ to Program Files, adds start-menu
; entries (the app, and a console for IT staff running workstation-cli.exe),
; optionally a desktop icon. It never touches data directories: they live in
; each user's %LOCALAPPDATA%\township-workstation and survive upgrades and
; uninstalling. Upgrading = running a newer setup over the old one (same AppId).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "乡镇便民服务工作站"
#define AppExe "workstation.exe"
#define CliExe "workstation-cli.exe"

[Setup]
; The AppId identifies the product across versions: never change it.
AppId={{7C0E2F4A-5B8D-4E3A-9C61-2D7F0A4B8E15}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Township Workstation Project
DefaultDirName={autopf}\TownshipWorkstation
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\dist
OutputBaseFilename=township-workstation-{#AppVersion}-setup
SetupIconFile=..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Qt 6 needs 64-bit Windows 10 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
; Close a running workstation before files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
; Simplified Chinese ships with recent Inno Setup; otherwise put the translation
; from https://jrsoftware.org/files/istrans/ next to this script.
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "zh_CN"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
Name: "zh_CN"; MessagesFile: "ChineseSimplified.isl"
#endif
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\dist\workstation\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the runtime whole: no stale libraries from the old version.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\工作站命令行 (IT)"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" --help"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
