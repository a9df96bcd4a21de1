using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Inference.Api.Data.SqliteMigrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Prefix = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SecretHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Scopes = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RotatedFromId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RateLimitPermitLimit = table.Column<int>(type: "INTEGER", nullable: true),
                    RateLimitWindow = table.Column<TimeSpan>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ActorKeyId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Before = table.Column<string>(type: "TEXT", nullable: true),
                    After = table.Column<string>(type: "TEXT", nullable: true),
                    Via = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_log", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "batch_jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    OwnerKeyId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    OwnerKeyName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    ModelVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Top = table.Column<int>(type: "INTEGER", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TotalItems = table.Column<int>(type: "INTEGER", nullable: false),
                    ProcessedItems = table.Column<int>(type: "INTEGER", nullable: false),
                    FailedItems = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EnqueuedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_batch_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "predictions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ModelVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    Route = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    InputHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    InputPreview = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Label = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Score = table.Column<float>(type: "REAL", nullable: false),
                    InferenceTimeMs = table.Column<double>(type: "REAL", nullable: false),
                    LatencyMs = table.Column<double>(type: "REAL", nullable: false),
                    Cached = table.Column<bool>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false, defaultValue: "success"),
                    Shadow = table.Column<bool>(type: "INTEGER", nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    TraceId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_predictions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "traffic_splits",
                columns: table => new
                {
                    Model = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Weights = table.Column<string>(type: "TEXT", nullable: false),
                    ShadowVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    ShadowShare = table.Column<double>(type: "REAL", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_traffic_splits", x => x.Model);
                });

            migrationBuilder.CreateTable(
                name: "batch_job_results",
                columns: table => new
                {
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ItemIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    Succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Score = table.Column<float>(type: "REAL", nullable: true),
                    Predictions = table.Column<string>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    InputPreview = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    InferenceTimeMs = table.Column<double>(type: "REAL", nullable: true),
                    ProcessedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_batch_job_results", x => new { x.JobId, x.ItemIndex });
                    table.ForeignKey(
                        name: "FK_batch_job_results_batch_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "batch_jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "queued_job_items",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ItemIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: true),
                    Image = table.Column<byte[]>(type: "BLOB", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    AvailableAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_queued_job_items", x => x.Id);
                    table.ForeignKey(
                        name: "FK_queued_job_items_batch_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "batch_jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_Prefix",
                table: "api_keys",
                column: "Prefix",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_log_Action_Id",
                table: "audit_log",
                columns: new[] { "Action", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_log_At",
                table: "audit_log",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_audit_log_Target_Id",
                table: "audit_log",
                columns: new[] { "Target", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_batch_jobs_CreatedAt",
                table: "batch_jobs",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_batch_jobs_OwnerKeyId_CreatedAt",
                table: "batch_jobs",
                columns: new[] { "OwnerKeyId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_batch_jobs_State_FinishedAt",
                table: "batch_jobs",
                columns: new[] { "State", "FinishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_predictions_CreatedAt",
                table: "predictions",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_predictions_Model_CreatedAt",
                table: "predictions",
                columns: new[] { "Model", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_predictions_Model_ModelVersion_CreatedAt",
                table: "predictions",
                columns: new[] { "Model", "ModelVersion", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_queued_job_items_AvailableAt_Id",
                table: "queued_job_items",
                columns: new[] { "AvailableAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_queued_job_items_JobId_ItemIndex",
                table: "queued_job_items",
                columns: new[] { "JobId", "ItemIndex" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "batch_job_results");

            migrationBuilder.DropTable(
                name: "predictions");

            migrationBuilder.DropTable(
                name: "queued_job_items");

            migrationBuilder.DropTable(
                name: "traffic_splits");

            migrationBuilder.DropTable(
                name: "batch_jobs");
        }
    }
}
